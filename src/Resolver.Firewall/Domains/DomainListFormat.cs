namespace Resolver.Firewall.Domains;

/// <summary>How a domain list file is written.</summary>
public enum DomainListFormat
{
    /// <summary>Decide per line: <c>||name^</c> is AdBlock, a leading address is hosts, else plain.</summary>
    Auto,

    /// <summary>One domain specification per line.</summary>
    Plain,

    /// <summary><c>0.0.0.0 name [name...]</c>, as in hosts files.</summary>
    Hosts,

    /// <summary>AdBlock network rules <c>||name^</c>: the name and every name below it.</summary>
    Adblock,
}
