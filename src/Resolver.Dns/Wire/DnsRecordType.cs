namespace Resolver.Dns.Wire;

/// <summary>Resource record and query types (IANA "Resource Record (RR) TYPEs").</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    NULL = 10,
    PTR = 12,
    HINFO = 13,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    SRV = 33,
    NAPTR = 35,
    DNAME = 39,
    OPT = 41,
    DS = 43,
    RRSIG = 46,
    NSEC = 47,
    DNSKEY = 48,
    NSEC3 = 50,
    SVCB = 64,
    HTTPS = 65,
    SPF = 99,
    AXFR = 252,
    ANY = 255,
    CAA = 257,
}
