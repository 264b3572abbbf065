namespace Resolver.Detection.Catalog;

/// <summary>How a public service answers DNS: plain (53), over HTTPS (443), over TLS (853).</summary>
[Flags]
public enum DnsServiceKinds
{
    None = 0,
    Dns = 1,
    Doh = 2,
    Dot = 4,
}
