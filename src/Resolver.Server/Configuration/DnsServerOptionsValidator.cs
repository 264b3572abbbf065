using Microsoft.Extensions.Options;
using Resolver.Server.Limits;

namespace Resolver.Server.Configuration;

/// <summary>Checks every setting at start and names the setting and the fix in each message.</summary>
public sealed class DnsServerOptionsValidator : IValidateOptions<DnsServerOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsServerOptions options)
    {
        var errors = new List<string>();
        foreach (var listen in options.Listen)
        {
            if (!EndpointParser.TryParse(listen, SystemNameservers.DnsPort, out _, out var error))
            {
                errors.Add($"Resolver:Listen (--listen) {error}");
            }
        }

        if (options.Upstreams.Count == 0)
        {
            errors.Add($"Resolver:Upstreams (--upstream): no upstream server; give one with --upstream ADDR[:PORT] ({options.NameserverFile} named none that is not this resolver itself)");
        }

        if (options.Upstreams.Count > 64)
        {
            errors.Add("Resolver:Upstreams (--upstream): at most 64 upstream servers");
        }

        foreach (var upstream in options.Upstreams)
        {
            if (!EndpointParser.TryParse(upstream, SystemNameservers.DnsPort, out var endPoint, out var error))
            {
                errors.Add($"Resolver:Upstreams (--upstream) {error}");
            }
            else if (endPoint.Port == 0)
            {
                errors.Add($"Resolver:Upstreams (--upstream) '{upstream}': port 0 is not a server port");
            }
        }

        Check(errors, !string.IsNullOrWhiteSpace(options.Rulesets), "Resolver:Rulesets (--rulesets) must name a folder");
        Check(errors, options.RulesetsReloadDelay >= TimeSpan.Zero, "Resolver:RulesetsReloadDelay must not be negative");
        Check(errors, options.ShutdownDrainTimeout > TimeSpan.Zero, "Resolver:ShutdownDrainTimeout must be positive");
        var udp = options.Udp;
        Check(errors, udp.ReceiveLoops is >= 0 and <= 256, "Resolver:Udp:ReceiveLoops must be 0 (one per core) to 256");
        Check(errors, udp.MaxResponseSize is >= 512 and <= 65535, "Resolver:Udp:MaxResponseSize must be 512-65535");
        Check(errors, udp.SocketReceiveBufferBytes >= 0, "Resolver:Udp:SocketReceiveBufferBytes must not be negative");
        Check(errors, udp.ReceiveBatchSize is >= 1 and <= 256, "Resolver:Udp:ReceiveBatchSize must be 1 (one packet per call) to 256");
        var tcp = options.Tcp;
        Check(errors, tcp.IdleTimeout > TimeSpan.Zero, "Resolver:Tcp:IdleTimeout must be positive");
        Check(errors, tcp.ReadTimeout > TimeSpan.Zero, "Resolver:Tcp:ReadTimeout must be positive");
        Check(errors, tcp.WriteTimeout > TimeSpan.Zero, "Resolver:Tcp:WriteTimeout must be positive");
        Check(errors, tcp.MaxConnections >= 1, "Resolver:Tcp:MaxConnections must be at least 1");
        Check(errors, tcp.MaxInFlightPerConnection is >= 1 and <= 1024, "Resolver:Tcp:MaxInFlightPerConnection must be 1-1024");
        Check(errors, tcp.MaxConnectionsPerClient >= 0, "Resolver:Tcp:MaxConnectionsPerClient must not be negative (0 turns the per-client cap off)");
        var upstreamOptions = options.Upstream;
        Check(errors, upstreamOptions.QueryTimeout > TimeSpan.Zero, "Resolver:Upstream:QueryTimeout must be positive");
        Check(errors, upstreamOptions.AttemptTimeout > TimeSpan.Zero && upstreamOptions.AttemptTimeout <= upstreamOptions.QueryTimeout, "Resolver:Upstream:AttemptTimeout must be positive and at most QueryTimeout");
        Check(errors, upstreamOptions.MaxAttempts is >= 1 and <= 16, "Resolver:Upstream:MaxAttempts must be 1-16");
        Check(errors, upstreamOptions.SocketsPerUpstream is >= 1 and <= 256, "Resolver:Upstream:SocketsPerUpstream must be 1-256");
        Check(errors, upstreamOptions.FailureThreshold >= 1, "Resolver:Upstream:FailureThreshold must be at least 1");
        Check(errors, upstreamOptions.DownBackoff >= TimeSpan.Zero, "Resolver:Upstream:DownBackoff must not be negative");
        Check(errors, upstreamOptions.MaxIdleTcpConnections >= 0, "Resolver:Upstream:MaxIdleTcpConnections must not be negative");
        Check(errors, upstreamOptions.MaxInFlight >= 1, "Resolver:Upstream:MaxInFlight must be at least 1");
        ValidateRateLimit(errors, options.RateLimit);
        Check(errors, !string.IsNullOrWhiteSpace(options.StateDirectory), "Resolver:StateDirectory (--state-dir) must name a folder");
        Check(errors, options.RemoteListTimeout > TimeSpan.Zero, "Resolver:RemoteListTimeout must be positive");
        Check(errors, options.RemoteListStartupWait >= TimeSpan.Zero, "Resolver:RemoteListStartupWait must not be negative");
        var cache = options.Cache;
        Check(errors, cache.MaxBytes >= 0, "Resolver:Cache:MaxBytes (--cache-size) must not be negative (0 turns the cache off)");
        Check(errors, cache.MinTtl >= TimeSpan.Zero && cache.MinTtl <= cache.MaxTtl, "Resolver:Cache:MinTtl must be between 0 and Resolver:Cache:MaxTtl");
        Check(errors, cache.MaxNegativeTtl >= TimeSpan.Zero, "Resolver:Cache:MaxNegativeTtl must not be negative");
        Check(errors, cache.MaxStale >= TimeSpan.Zero && cache.StaleAnswerTtl >= TimeSpan.Zero, "Resolver:Cache:MaxStale and StaleAnswerTtl must not be negative");
        var queryLog = options.QueryLog;
        Check(errors, queryLog.Capacity is >= 1 and <= 10_000_000, "Resolver:QueryLog:Capacity must be 1-10000000");
        Check(errors, !string.IsNullOrWhiteSpace(queryLog.Path), "Resolver:QueryLog:Path must be a file path or - for standard output");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRateLimit(List<string> errors, RateLimitOptions rateLimit)
    {
        Check(errors, rateLimit.QueriesPerSecond is >= 0 and <= 1_000_000, "Resolver:RateLimit:QueriesPerSecond must be 0 (no limit) to 1000000");
        Check(errors, rateLimit.Burst is >= 1 and <= 1_000_000, "Resolver:RateLimit:Burst must be 1-1000000");
        Check(errors, Enum.IsDefined(rateLimit.Action), "Resolver:RateLimit:Action must be Drop or Refuse");
        Check(errors, rateLimit.IPv4PrefixLength is >= 0 and <= 32, "Resolver:RateLimit:IPv4PrefixLength must be 0-32");
        Check(errors, rateLimit.IPv6PrefixLength is >= 0 and <= 128, "Resolver:RateLimit:IPv6PrefixLength must be 0-128");
        Check(errors, rateLimit.Buckets is >= 1024 and <= 16_777_216, "Resolver:RateLimit:Buckets must be 1024-16777216");
        foreach (var network in rateLimit.ExemptNetworks)
        {
            Check(errors, ClientNetworkList.TryParse(network, out _), $"Resolver:RateLimit:ExemptNetworks '{network}' is not an address or a CIDR network without host bits (e.g. 10.0.0.0/8, 2001:db8::/32)");
        }
    }

    private static void Check(List<string> errors, bool condition, string message)
    {
        if (!condition)
        {
            errors.Add(message);
        }
    }
}
