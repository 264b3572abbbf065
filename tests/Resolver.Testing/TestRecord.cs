namespace Resolver.Testing;

public sealed record TestRecord(ushort Type, uint Ttl, byte[] Data);
