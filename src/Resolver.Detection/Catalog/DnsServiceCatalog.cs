using System.Net;
using System.Net.Sockets;

namespace Resolver.Detection.Catalog;

/// <summary>
/// The public resolver, DoH and DoT services detection knows by address: the built-in
/// <c>rulesets/public-dns-services.yaml</c> plus the operator's files. An address listed twice belongs to the
/// entry read last, so an operator's file can rename or re-kind a built-in entry.
/// </summary>
public sealed class DnsServiceCatalog
{
    public const string BuiltInName = "(built-in public-dns-services.yaml)";

    private readonly Dictionary<IPAddress, DnsService> _single = [];
    private readonly List<(IPNetwork Network, DnsService Service)> _ranges = [];

    public DnsServiceCatalog(IEnumerable<DnsService> services)
    {
        Services = [.. services];
        foreach (var service in Services)
        {
            foreach (var network in service.Addresses)
            {
                var full = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
                if (network.PrefixLength == full)
                {
                    _single[network.BaseAddress] = service;
                }
                else
                {
                    _ranges.Add((network, service));
                }
            }
        }
    }

    public IReadOnlyList<DnsService> Services { get; }

    /// <summary>The built-in catalog and then each of <paramref name="files"/>; throws <see cref="InvalidDataException"/> listing every error with file and line.</summary>
    public static DnsServiceCatalog Load(IEnumerable<string> files)
    {
        var services = new List<DnsService>();
        var errors = new List<string>();
        using (var stream = typeof(DnsServiceCatalog).Assembly.GetManifestResourceStream("catalog/public-dns-services.yaml")!)
        using (var reader = new StreamReader(stream))
        {
            DnsServiceCatalogReader.Read(reader, BuiltInName, services, errors);
        }

        foreach (var file in files)
        {
            try
            {
                using var reader = File.OpenText(file);
                DnsServiceCatalogReader.Read(reader, file, services, errors);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file}: cannot read: {exception.Message}");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, errors));
        }

        return new DnsServiceCatalog(services);
    }

    /// <summary>The service that answers on <paramref name="address"/>, or null.</summary>
    public DnsService? Find(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_single.TryGetValue(address, out var service))
        {
            return service;
        }

        for (var i = _ranges.Count - 1; i >= 0; i--)
        {
            if (_ranges[i].Network.Contains(address))
            {
                return _ranges[i].Service;
            }
        }

        return null;
    }
}
