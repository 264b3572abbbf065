namespace Resolver.Server.Pipeline;

public enum DnsTransport
{
    Udp,
    Tcp,
}
