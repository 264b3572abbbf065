using System.Diagnostics;
using Resolver.Server.Firewall;
using Resolver.Server.Hosting;
using Resolver.Server.Upstreams;

namespace Resolver.Metrics.Health;

/// <summary>
/// Ready means able to answer as configured: the listeners are bound, the rulesets are loaded (at least one
/// load installed) and at least one upstream is not being avoided after failures.
/// </summary>
public sealed class ReadinessCheck
{
    private readonly DnsServerService _server;
    private readonly FirewallState _firewall;
    private readonly UpstreamForwarder _forwarder;

    public ReadinessCheck(DnsServerService server, FirewallState firewall, UpstreamForwarder forwarder)
    {
        _server = server;
        _firewall = firewall;
        _forwarder = forwarder;
    }

    /// <summary>What keeps the resolver from being ready; empty when it is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!_server.IsListening)
        {
            problems.Add("listeners are not bound");
        }

        if (_firewall.Reloads == 0)
        {
            problems.Add("rulesets are not loaded");
        }

        var now = Stopwatch.GetTimestamp();
        var healthy = false;
        foreach (var upstream in _forwarder.Upstreams)
        {
            healthy |= upstream.IsHealthy(now);
        }

        if (!healthy)
        {
            problems.Add("no upstream is healthy");
        }

        return problems;
    }
}
