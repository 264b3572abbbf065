namespace Resolver.Dns.Wire;

/// <summary>Outcome of parsing a client query; each value maps to one reaction of the server.</summary>
public enum DnsParseStatus
{
    /// <summary>A well-formed standard query.</summary>
    Ok,

    /// <summary>Fewer than 12 bytes: nothing to answer to, drop.</summary>
    HeaderTooShort,

    /// <summary>The QR bit is set: answering a response invites loops, drop.</summary>
    NotAQuery,

    /// <summary>Header readable, the rest is not: answer FORMERR.</summary>
    Malformed,

    /// <summary>An opcode other than QUERY: answer NOTIMP.</summary>
    NotImplemented,

    /// <summary>EDNS version above 0: answer BADVERS (RFC 6891 6.1.3).</summary>
    BadEdnsVersion,
}
