using Microsoft.Extensions.Options;
using Resolver.Server.Configuration;
using Resolver.Testing;

namespace Resolver.Server.Tests.Configuration;

public sealed class DnsServerOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<DnsServerOptions>> Mutations = new()
    {
        ["no upstreams"] = o => o.Upstreams.Clear(),
        ["65 upstreams"] = o => o.Upstreams = [.. Enumerable.Range(1, 65).Select(i => $"192.0.2.{i}")],
        ["upstream host name"] = o => o.Upstreams = ["dns.example.com"],
        ["upstream bad port"] = o => o.Upstreams = ["192.0.2.1:70000"],
        ["upstream port 0"] = o => o.Upstreams = ["192.0.2.1:0"],
        ["listen host name"] = o => o.Listen = ["localhost:53"],
        ["listen bad port"] = o => o.Listen = ["127.0.0.1:65536"],
        ["listen unclosed bracket"] = o => o.Listen = ["[::1:53"],
        ["listen empty"] = o => o.Listen = [""],
        ["drain zero"] = o => o.ShutdownDrainTimeout = TimeSpan.Zero,
        ["drain negative"] = o => o.ShutdownDrainTimeout = TimeSpan.FromSeconds(-1),
        ["receive loops negative"] = o => o.Udp.ReceiveLoops = -1,
        ["receive loops 257"] = o => o.Udp.ReceiveLoops = 257,
        ["response size 511"] = o => o.Udp.MaxResponseSize = 511,
        ["response size 65536"] = o => o.Udp.MaxResponseSize = 65536,
        ["response size 0"] = o => o.Udp.MaxResponseSize = 0,
        ["receive buffer negative"] = o => o.Udp.SocketReceiveBufferBytes = -1,
        ["receive batch 0"] = o => o.Udp.ReceiveBatchSize = 0,
        ["receive batch 257"] = o => o.Udp.ReceiveBatchSize = 257,
        ["idle zero"] = o => o.Tcp.IdleTimeout = TimeSpan.Zero,
        ["idle negative"] = o => o.Tcp.IdleTimeout = TimeSpan.FromSeconds(-5),
        ["read zero"] = o => o.Tcp.ReadTimeout = TimeSpan.Zero,
        ["write negative"] = o => o.Tcp.WriteTimeout = TimeSpan.FromMilliseconds(-1),
        ["max connections 0"] = o => o.Tcp.MaxConnections = 0,
        ["in flight 0"] = o => o.Tcp.MaxInFlightPerConnection = 0,
        ["in flight 1025"] = o => o.Tcp.MaxInFlightPerConnection = 1025,
        ["attempt timeout zero"] = o => o.Upstream.AttemptTimeout = TimeSpan.Zero,
        ["attempt timeout negative"] = o => o.Upstream.AttemptTimeout = TimeSpan.FromSeconds(-1),
        ["attempt above query timeout"] = o =>
        {
            o.Upstream.QueryTimeout = TimeSpan.FromSeconds(1);
            o.Upstream.AttemptTimeout = TimeSpan.FromSeconds(2);
        },
        ["max attempts 0"] = o => o.Upstream.MaxAttempts = 0,
        ["max attempts 17"] = o => o.Upstream.MaxAttempts = 17,
        ["sockets 0"] = o => o.Upstream.SocketsPerUpstream = 0,
        ["sockets 257"] = o => o.Upstream.SocketsPerUpstream = 257,
        ["failure threshold 0"] = o => o.Upstream.FailureThreshold = 0,
        ["down backoff negative"] = o => o.Upstream.DownBackoff = TimeSpan.FromSeconds(-1),
        ["idle tcp negative"] = o => o.Upstream.MaxIdleTcpConnections = -1,
        ["max in flight 0"] = o => o.Upstream.MaxInFlight = 0,
        ["connections per client negative"] = o => o.Tcp.MaxConnectionsPerClient = -1,
        ["qps negative"] = o => o.RateLimit.QueriesPerSecond = -1,
        ["qps 1000001"] = o => o.RateLimit.QueriesPerSecond = 1_000_001,
        ["burst 0"] = o => o.RateLimit.Burst = 0,
        ["action unknown"] = o => o.RateLimit.Action = (RateLimitAction)7,
        ["ipv4 prefix 33"] = o => o.RateLimit.IPv4PrefixLength = 33,
        ["ipv6 prefix 129"] = o => o.RateLimit.IPv6PrefixLength = 129,
        ["buckets 1023"] = o => o.RateLimit.Buckets = 1023,
        ["exempt host bits"] = o => o.RateLimit.ExemptNetworks = ["10.0.0.1/8"],
        ["exempt name"] = o => o.RateLimit.ExemptNetworks = ["localhost"],
    };

    private static readonly Dictionary<string, Action<DnsServerOptions>> Boundaries = new()
    {
        ["64 upstreams"] = o => o.Upstreams = [.. Enumerable.Range(1, 64).Select(i => $"192.0.2.{i}")],
        ["ipv6 upstream and listen"] = o =>
        {
            o.Upstreams = ["[2001:db8::53]:5300", "2001:db8::54"];
            o.Listen = ["[::1]:0", "127.0.0.1:0"];
        },
        ["listen port 0"] = o => o.Listen = ["127.0.0.1:0"],
        ["receive loops 0"] = o => o.Udp.ReceiveLoops = 0,
        ["receive loops 256"] = o => o.Udp.ReceiveLoops = 256,
        ["response size 512"] = o => o.Udp.MaxResponseSize = 512,
        ["response size 65535"] = o => o.Udp.MaxResponseSize = 65535,
        ["receive buffer 0"] = o => o.Udp.SocketReceiveBufferBytes = 0,
        ["receive batch 1"] = o => o.Udp.ReceiveBatchSize = 1,
        ["receive batch 256"] = o => o.Udp.ReceiveBatchSize = 256,
        ["max connections 1"] = o => o.Tcp.MaxConnections = 1,
        ["in flight 1"] = o => o.Tcp.MaxInFlightPerConnection = 1,
        ["in flight 1024"] = o => o.Tcp.MaxInFlightPerConnection = 1024,
        ["attempt equals query timeout"] = o => o.Upstream.AttemptTimeout = o.Upstream.QueryTimeout,
        ["max attempts 1"] = o => o.Upstream.MaxAttempts = 1,
        ["max attempts 16"] = o => o.Upstream.MaxAttempts = 16,
        ["sockets 1"] = o => o.Upstream.SocketsPerUpstream = 1,
        ["sockets 256"] = o => o.Upstream.SocketsPerUpstream = 256,
        ["down backoff zero"] = o => o.Upstream.DownBackoff = TimeSpan.Zero,
        ["idle tcp zero"] = o => o.Upstream.MaxIdleTcpConnections = 0,
        ["tcp only"] = o => o.Upstream.TcpOnly = true,
        ["max in flight 1"] = o => o.Upstream.MaxInFlight = 1,
        ["connections per client 0"] = o => o.Tcp.MaxConnectionsPerClient = 0,
        ["qps 0"] = o => o.RateLimit.QueriesPerSecond = 0,
        ["qps 1000000"] = o => o.RateLimit.QueriesPerSecond = 1_000_000,
        ["prefixes 0"] = o =>
        {
            o.RateLimit.IPv4PrefixLength = 0;
            o.RateLimit.IPv6PrefixLength = 0;
        },
        ["prefixes full"] = o =>
        {
            o.RateLimit.IPv4PrefixLength = 32;
            o.RateLimit.IPv6PrefixLength = 128;
        },
        ["refuse"] = o => o.RateLimit.Action = RateLimitAction.Refuse,
        ["exempt networks"] = o => o.RateLimit.ExemptNetworks = ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::1"],
    };

    private static DnsServerOptions ValidOptions() => new()
    {
        Listen = [DnsServerOptions.DefaultListen],
        Upstreams = ["192.0.2.1"],
    };

    private static ValidateOptionsResult Validate(DnsServerOptions options) => new DnsServerOptionsValidator().Validate(null, options);

    [Fact]
    public void Defaults_with_a_listen_address_and_an_upstream_are_valid()
    {
        var result = Validate(ValidOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_filled_in_by_the_setup_are_valid()
    {
        var options = new DnsServerOptions { Upstreams = ["192.0.2.1:5300"] };
        new DnsServerOptionsSetup().PostConfigure(null, options);

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("no upstreams", "Resolver:Upstreams", "no upstream server")]
    [InlineData("65 upstreams", "Resolver:Upstreams", "at most 64")]
    [InlineData("upstream host name", "Resolver:Upstreams", "'dns.example.com'")]
    [InlineData("upstream bad port", "Resolver:Upstreams", "'192.0.2.1:70000'")]
    [InlineData("upstream port 0", "Resolver:Upstreams", "port 0 is not a server port")]
    [InlineData("listen host name", "Resolver:Listen", "'localhost:53'")]
    [InlineData("listen bad port", "Resolver:Listen", "'127.0.0.1:65536'")]
    [InlineData("listen unclosed bracket", "Resolver:Listen", "missing ']'")]
    [InlineData("listen empty", "Resolver:Listen", "not an IP address")]
    [InlineData("drain zero", "Resolver:ShutdownDrainTimeout", "positive")]
    [InlineData("drain negative", "Resolver:ShutdownDrainTimeout", "positive")]
    [InlineData("receive loops negative", "Resolver:Udp:ReceiveLoops", "256")]
    [InlineData("receive loops 257", "Resolver:Udp:ReceiveLoops", "256")]
    [InlineData("response size 511", "Resolver:Udp:MaxResponseSize", "512-65535")]
    [InlineData("response size 65536", "Resolver:Udp:MaxResponseSize", "512-65535")]
    [InlineData("response size 0", "Resolver:Udp:MaxResponseSize", "512-65535")]
    [InlineData("receive buffer negative", "Resolver:Udp:SocketReceiveBufferBytes", "negative")]
    [InlineData("receive batch 0", "Resolver:Udp:ReceiveBatchSize", "1 (one packet per call) to 256")]
    [InlineData("receive batch 257", "Resolver:Udp:ReceiveBatchSize", "1 (one packet per call) to 256")]
    [InlineData("idle zero", "Resolver:Tcp:IdleTimeout", "positive")]
    [InlineData("idle negative", "Resolver:Tcp:IdleTimeout", "positive")]
    [InlineData("read zero", "Resolver:Tcp:ReadTimeout", "positive")]
    [InlineData("write negative", "Resolver:Tcp:WriteTimeout", "positive")]
    [InlineData("max connections 0", "Resolver:Tcp:MaxConnections", "at least 1")]
    [InlineData("in flight 0", "Resolver:Tcp:MaxInFlightPerConnection", "1-1024")]
    [InlineData("in flight 1025", "Resolver:Tcp:MaxInFlightPerConnection", "1-1024")]
    [InlineData("attempt timeout zero", "Resolver:Upstream:AttemptTimeout", "positive")]
    [InlineData("attempt timeout negative", "Resolver:Upstream:AttemptTimeout", "positive")]
    [InlineData("attempt above query timeout", "Resolver:Upstream:AttemptTimeout", "at most QueryTimeout")]
    [InlineData("max attempts 0", "Resolver:Upstream:MaxAttempts", "1-16")]
    [InlineData("max attempts 17", "Resolver:Upstream:MaxAttempts", "1-16")]
    [InlineData("sockets 0", "Resolver:Upstream:SocketsPerUpstream", "1-256")]
    [InlineData("sockets 257", "Resolver:Upstream:SocketsPerUpstream", "1-256")]
    [InlineData("failure threshold 0", "Resolver:Upstream:FailureThreshold", "at least 1")]
    [InlineData("down backoff negative", "Resolver:Upstream:DownBackoff", "negative")]
    [InlineData("idle tcp negative", "Resolver:Upstream:MaxIdleTcpConnections", "negative")]
    [InlineData("max in flight 0", "Resolver:Upstream:MaxInFlight", "at least 1")]
    [InlineData("connections per client negative", "Resolver:Tcp:MaxConnectionsPerClient", "0 turns the per-client cap off")]
    [InlineData("qps negative", "Resolver:RateLimit:QueriesPerSecond", "0 (no limit) to 1000000")]
    [InlineData("qps 1000001", "Resolver:RateLimit:QueriesPerSecond", "0 (no limit) to 1000000")]
    [InlineData("burst 0", "Resolver:RateLimit:Burst", "1-1000000")]
    [InlineData("action unknown", "Resolver:RateLimit:Action", "Drop or Refuse")]
    [InlineData("ipv4 prefix 33", "Resolver:RateLimit:IPv4PrefixLength", "0-32")]
    [InlineData("ipv6 prefix 129", "Resolver:RateLimit:IPv6PrefixLength", "0-128")]
    [InlineData("buckets 1023", "Resolver:RateLimit:Buckets", "1024-16777216")]
    [InlineData("exempt host bits", "Resolver:RateLimit:ExemptNetworks", "'10.0.0.1/8'")]
    [InlineData("exempt name", "Resolver:RateLimit:ExemptNetworks", "'localhost'")]
    public void Invalid_setting_fails_with_one_message_naming_the_setting(string mutation, string setting, string detail)
    {
        var options = ValidOptions();
        Mutations[mutation](options);

        var result = Validate(options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(setting, failure, StringComparison.Ordinal);
        Assert.Contains(detail, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("64 upstreams")]
    [InlineData("ipv6 upstream and listen")]
    [InlineData("listen port 0")]
    [InlineData("receive loops 0")]
    [InlineData("receive loops 256")]
    [InlineData("response size 512")]
    [InlineData("response size 65535")]
    [InlineData("receive buffer 0")]
    [InlineData("receive batch 1")]
    [InlineData("receive batch 256")]
    [InlineData("max connections 1")]
    [InlineData("in flight 1")]
    [InlineData("in flight 1024")]
    [InlineData("attempt equals query timeout")]
    [InlineData("max attempts 1")]
    [InlineData("max attempts 16")]
    [InlineData("sockets 1")]
    [InlineData("sockets 256")]
    [InlineData("down backoff zero")]
    [InlineData("idle tcp zero")]
    [InlineData("tcp only")]
    [InlineData("max in flight 1")]
    [InlineData("connections per client 0")]
    [InlineData("qps 0")]
    [InlineData("qps 1000000")]
    [InlineData("prefixes 0")]
    [InlineData("prefixes full")]
    [InlineData("refuse")]
    [InlineData("exempt networks")]
    public void Boundary_values_are_accepted(string mutation)
    {
        var options = ValidOptions();
        Boundaries[mutation](options);

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Zero_query_timeout_fails_and_the_attempt_timeout_can_no_longer_fit_in_it()
    {
        var options = ValidOptions();
        options.Upstream.QueryTimeout = TimeSpan.Zero;

        var failures = Validate(options).Failures!.ToList();

        Assert.Equal(2, failures.Count);
        Assert.Contains("Resolver:Upstream:QueryTimeout must be positive", failures);
        Assert.Contains(failures, f => f.StartsWith("Resolver:Upstream:AttemptTimeout", StringComparison.Ordinal) && f.Contains("at most QueryTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void No_upstream_message_names_the_nameserver_file_and_the_command_line_option()
    {
        var options = ValidOptions();
        options.Upstreams.Clear();
        options.NameserverFile = "/tmp/custom-nameservers.txt";

        var failure = Assert.Single(Validate(options).Failures!);

        Assert.Contains("--upstream ADDR[:PORT]", failure, StringComparison.Ordinal);
        Assert.Contains("/tmp/custom-nameservers.txt", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_listen_and_upstream_entry_gets_its_own_message()
    {
        var options = ValidOptions();
        options.Listen = ["127.0.0.1:53", "bad-listen", "[::1]:99999"];
        options.Upstreams = ["192.0.2.1", "bad-upstream", "192.0.2.2:0"];

        var failures = Validate(options).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Resolver:Listen", StringComparison.Ordinal) && f.Contains("'bad-listen'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Resolver:Listen", StringComparison.Ordinal) && f.Contains("'[::1]:99999'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Resolver:Upstreams", StringComparison.Ordinal) && f.Contains("'bad-upstream'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Resolver:Upstreams", StringComparison.Ordinal) && f.Contains("'192.0.2.2:0'", StringComparison.Ordinal));
    }

    [Fact]
    public void Several_invalid_settings_are_all_reported_at_once()
    {
        var options = ValidOptions();
        options.Udp.MaxResponseSize = 100;
        options.Tcp.IdleTimeout = TimeSpan.Zero;
        options.Upstream.MaxAttempts = 0;

        var result = Validate(options);

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains("Resolver:Udp:MaxResponseSize", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Resolver:Tcp:IdleTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Resolver:Upstream:MaxAttempts", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_with_an_invalid_setting_does_not_start_and_names_the_setting()
    {
        await using var upstream = TestUpstream.Start();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestServer.StartAsync([upstream.EndPoint], o => o.Udp.MaxResponseSize = 100).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("Resolver:Udp:MaxResponseSize", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_with_a_host_name_upstream_does_not_start()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestServer.StartAsync([], o => o.Upstreams = ["dns.example.com:53"]).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("Resolver:Upstreams", exception.Message, StringComparison.Ordinal);
        Assert.Contains("dns.example.com", exception.Message, StringComparison.Ordinal);
    }
}
