using System.Globalization;
using System.Net;
using System.Net.Sockets;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Resolver.Detection.Catalog;

/// <summary>
/// Reads one catalog file (<c>kind: PublicDnsServices</c>, <c>services:</c> entries with provider, kinds,
/// source, ipv4, ipv6), collecting every error with file and line instead of stopping at the first.
/// </summary>
internal static class DnsServiceCatalogReader
{
    private static readonly string[] Keys = ["provider", "kinds", "source", "ipv4", "ipv6"];

    public static void Read(TextReader reader, string file, List<DnsService> services, List<string> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlException exception)
        {
            errors.Add(Message(file, exception.Start.Line, $"not valid YAML: {exception.InnerException?.Message ?? exception.Message}"));
            return;
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                errors.Add(Message(file, document.RootNode.Start.Line, "the top level must be a mapping with kind: PublicDnsServices and services"));
                continue;
            }

            foreach (var (keyNode, value) in root.Children)
            {
                switch (((YamlScalarNode)keyNode).Value)
                {
                    case "kind" when value is YamlScalarNode { Value: "PublicDnsServices" }:
                        break;
                    case "kind":
                        errors.Add(Message(file, value.Start.Line, "kind must be PublicDnsServices"));
                        break;
                    case "services" when value is YamlSequenceNode entries:
                        foreach (var entry in entries)
                        {
                            ReadEntry(file, entry, services, errors);
                        }

                        break;
                    case "services":
                        errors.Add(Message(file, value.Start.Line, "services must be a list"));
                        break;
                    default:
                        errors.Add(Message(file, keyNode.Start.Line, $"unknown key '{keyNode}' (expected kind, services)"));
                        break;
                }
            }
        }
    }

    private static void ReadEntry(string file, YamlNode node, List<DnsService> services, List<string> errors)
    {
        var line = node.Start.Line;
        if (node is not YamlMappingNode entry)
        {
            errors.Add(Message(file, line, "a service must be a mapping with provider, kinds, source, ipv4, ipv6"));
            return;
        }

        var before = errors.Count;
        foreach (var key in entry.Children.Keys)
        {
            if (!Keys.Contains(key.ToString(), StringComparer.Ordinal))
            {
                errors.Add(Message(file, key.Start.Line, $"unknown key '{key}' (expected {string.Join(", ", Keys)})"));
            }
        }

        var provider = Scalar(entry, "provider");
        if (string.IsNullOrWhiteSpace(provider))
        {
            errors.Add(Message(file, line, "provider is required"));
        }

        var source = Scalar(entry, "source");
        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add(Message(file, line, "source is required: name the provider's page the addresses come from"));
        }

        var kinds = DnsServiceKinds.None;
        foreach (var (text, kindLine) in Sequence(file, entry, "kinds", errors))
        {
            kinds |= text switch
            {
                "dns" => DnsServiceKinds.Dns,
                "doh" => DnsServiceKinds.Doh,
                "dot" => DnsServiceKinds.Dot,
                _ => Fail(errors, Message(file, kindLine, $"kind '{text}' is not dns, doh or dot")),
            };
        }

        if (kinds == DnsServiceKinds.None && errors.Count == before)
        {
            errors.Add(Message(file, line, "kinds is required: one or more of dns, doh, dot"));
        }

        var addresses = new List<IPNetwork>();
        ReadAddresses(file, entry, "ipv4", AddressFamily.InterNetwork, addresses, errors);
        ReadAddresses(file, entry, "ipv6", AddressFamily.InterNetworkV6, addresses, errors);
        if (addresses.Count == 0 && errors.Count == before)
        {
            errors.Add(Message(file, line, "a service needs at least one address in ipv4 or ipv6"));
        }

        if (errors.Count == before)
        {
            services.Add(new DnsService
            {
                Provider = provider!,
                Kinds = kinds,
                Source = source!,
                Addresses = addresses,
                Origin = Message(file, line, provider!),
            });
        }
    }

    private static void ReadAddresses(string file, YamlMappingNode entry, string key, AddressFamily family, List<IPNetwork> addresses, List<string> errors)
    {
        foreach (var (text, line) in Sequence(file, entry, key, errors))
        {
            if (!AddressSet.TryParseNetwork(text, out var network) || network.BaseAddress.AddressFamily != family)
            {
                errors.Add(Message(file, line, $"'{text}' in {key} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address or CIDR range"));
                continue;
            }

            addresses.Add(network);
        }
    }

    private static string? Scalar(YamlMappingNode entry, string key) =>
        entry.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static List<(string Text, long Line)> Sequence(string file, YamlMappingNode entry, string key, List<string> errors)
    {
        var items = new List<(string, long)>();
        if (!entry.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            return items;
        }

        if (value is YamlScalarNode { Value: { Length: > 0 } single })
        {
            items.Add((single, value.Start.Line));
            return items;
        }

        if (value is not YamlSequenceNode sequence)
        {
            errors.Add(Message(file, value.Start.Line, $"{key} must be a list"));
            return items;
        }

        foreach (var item in sequence)
        {
            if (item is YamlScalarNode { Value: { } text })
            {
                items.Add((text, item.Start.Line));
            }
            else
            {
                errors.Add(Message(file, item.Start.Line, $"{key} entries must be plain values"));
            }
        }

        return items;
    }

    private static DnsServiceKinds Fail(List<string> errors, string message)
    {
        errors.Add(message);
        return DnsServiceKinds.None;
    }

    private static string Message(string file, long line, string text) => string.Create(CultureInfo.InvariantCulture, $"{file}:{line}: {text}");
}
