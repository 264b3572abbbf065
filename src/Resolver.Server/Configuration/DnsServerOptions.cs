namespace Resolver.Server.Configuration;

/// <summary>
/// Settings of the DNS server, bound from the <c>Resolver</c> configuration section. Every setting has a
/// default that works; lists left empty get their defaults in <see cref="DnsServerOptionsSetup"/>.
/// </summary>
public sealed class DnsServerOptions
{
    public const string SectionName = "Resolver";

    public const string DefaultListen = "127.0.0.1:5353";

    /// <summary>Addresses to serve on, UDP and TCP both (<c>ADDR:PORT</c>, <c>[V6]:PORT</c>; port 0 picks a free one).</summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>Upstream servers (<c>ADDR[:PORT]</c>); empty means the system's nameservers.</summary>
    public List<string> Upstreams { get; set; } = [];

    /// <summary>Where the system's nameservers are read from when <see cref="Upstreams"/> is empty.</summary>
    public string NameserverFile { get; set; } = "/etc/resolv.conf";

    /// <summary>Folder of firewall ruleset files (<c>*.yaml</c>); relative paths start at the working directory.</summary>
    public string Rulesets { get; set; } = "rulesets";

    /// <summary>Where the resolver keeps what it must not lose: downloaded lists (and, later, API state).</summary>
    public string StateDirectory { get; set; } = DefaultStateDirectory();

    /// <summary>How long one download of a remote list may take.</summary>
    public TimeSpan RemoteListTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the start waits for remote lists that have no cached copy yet.</summary>
    public TimeSpan RemoteListStartupWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the folder must be quiet after a change before it is reloaded (editors write in bursts).</summary>
    public TimeSpan RulesetsReloadDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stop waits for in-flight queries to be answered.</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public UdpListenerOptions Udp { get; set; } = new();

    public TcpListenerOptions Tcp { get; set; } = new();

    public UpstreamOptions Upstream { get; set; } = new();

    public QueryLogging.QueryLogOptions QueryLog { get; set; } = new();

    public Caching.ResponseCacheOptions Cache { get; set; } = new();

    public BypassPreventionOptions BypassPrevention { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    private static string DefaultStateDirectory()
    {
        // XDG base directories: $XDG_STATE_HOME, else ~/.local/state.
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(root, "resolver");
    }
}
