using System.Net;
using Microsoft.Extensions.Options;

namespace Resolver.Server.Configuration;

/// <summary>Fills the defaults that depend on other settings or on the machine: listen address and upstreams.</summary>
public sealed class DnsServerOptionsSetup : IPostConfigureOptions<DnsServerOptions>
{
    public void PostConfigure(string? name, DnsServerOptions options)
    {
        if (options.Listen.Count == 0)
        {
            options.Listen.Add(DnsServerOptions.DefaultListen);
        }

        if (options.Upstreams.Count > 0 || !File.Exists(options.NameserverFile))
        {
            return;
        }

        var listen = new List<IPEndPoint>();
        foreach (var text in options.Listen)
        {
            if (EndpointParser.TryParse(text, SystemNameservers.DnsPort, out var endPoint, out _))
            {
                listen.Add(endPoint);
            }
        }

        var system = SystemNameservers.Parse(File.ReadAllText(options.NameserverFile));
        foreach (var server in SystemNameservers.WithoutSelf(system, listen))
        {
            options.Upstreams.Add(server.ToString());
        }
    }
}
