using Resolver.Dns.Wire;
using Resolver.Firewall.Evaluation;

namespace Resolver.Server.Detection;

/// <summary>
/// One query as the detectors see it (name, type, client, the firewall's decision), copied out of the query
/// path into preallocated buffers. Pooled by <see cref="QueryObservations"/>.
/// </summary>
public sealed class QueryObservation
{
    /// <summary>The question name, lower case, in wire form (length-prefixed labels, ending with the root).</summary>
    public byte[] Name { get; } = new byte[DnsName.MaxWireLength];

    public int NameLength { get; private set; }

    public ReadOnlySpan<byte> LowerWireName => Name.AsSpan(0, NameLength);

    public ushort Qtype { get; private set; }

    /// <summary>The client's address, 16 bytes (IPv4 mapped into IPv6).</summary>
    public byte[] Client { get; } = new byte[16];

    public DateTime Timestamp { get; private set; }

    public CompiledNetwork? Network { get; private set; }

    /// <summary>The rule that decided the query, or null when none matched.</summary>
    public CompiledRule? Rule { get; private set; }

    internal void Fill(ReadOnlySpan<byte> lowerWireName, ushort qtype, ReadOnlySpan<byte> mappedClient, CompiledNetwork? network, CompiledRule? rule, DateTime timestamp)
    {
        lowerWireName.CopyTo(Name);
        NameLength = lowerWireName.Length;
        Qtype = qtype;
        mappedClient.CopyTo(Client);
        Network = network;
        Rule = rule;
        Timestamp = timestamp;
    }

    internal void Clear()
    {
        Network = null;
        Rule = null;
    }
}
