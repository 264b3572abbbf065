namespace Resolver.Dns.Wire;

/// <summary>Response codes; values above 15 need the EDNS extended-RCODE bits.</summary>
public enum DnsResponseCode : ushort
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
    BadVers = 16,
}
