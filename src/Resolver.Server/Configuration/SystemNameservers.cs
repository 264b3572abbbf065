using System.Net;
using System.Net.NetworkInformation;

namespace Resolver.Server.Configuration;

/// <summary>Reads the system's nameservers and removes those that would send queries back to us.</summary>
public static class SystemNameservers
{
    public const int DnsPort = 53;

    /// <summary>The <c>nameserver</c> lines of a resolver configuration file, in order (zone ids stripped).</summary>
    public static List<IPEndPoint> Parse(string content)
    {
        var servers = new List<IPEndPoint>();
        foreach (var rawLine in content.Split('\n'))
        {
            var line = rawLine.Trim();
            if (!line.StartsWith("nameserver", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0] != "nameserver")
            {
                continue;
            }

            var text = parts[1];
            var percent = text.IndexOf('%', StringComparison.Ordinal);
            if (percent >= 0)
            {
                text = text[..percent];
            }

            if (IPAddress.TryParse(text, out var address))
            {
                servers.Add(new IPEndPoint(address, DnsPort));
            }
        }

        return servers;
    }

    /// <summary>
    /// Drops every nameserver that one of our listen addresses would receive: the same address and
    /// port, or the port of a wildcard listener on a local address. Forwarding to ourselves loops.
    /// </summary>
    public static List<IPEndPoint> WithoutSelf(IEnumerable<IPEndPoint> nameservers, IReadOnlyCollection<IPEndPoint> listen, Func<IPAddress, bool>? isLocalAddress = null)
    {
        isLocalAddress ??= IsLocalAddress;
        var result = new List<IPEndPoint>();
        foreach (var server in nameservers)
        {
            var loops = false;
            foreach (var local in listen)
            {
                if (local.Port != server.Port)
                {
                    continue;
                }

                var wildcard = local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any);
                if (local.Address.Equals(server.Address) || (wildcard && isLocalAddress(server.Address)))
                {
                    loops = true;
                    break;
                }
            }

            if (!loops)
            {
                result.Add(server);
            }
        }

        return result;
    }

    private static bool IsLocalAddress(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.Equals(address))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
