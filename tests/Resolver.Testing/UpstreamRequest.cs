using System.Net;

namespace Resolver.Testing;

public enum UpstreamTransport
{
    Udp,
    Tcp,
}

/// <summary>A query as the test upstream received it.</summary>
public sealed class UpstreamRequest
{
    public UpstreamRequest(byte[] bytes, UpstreamTransport transport, IPEndPoint? remoteEndPoint = null)
    {
        Bytes = bytes;
        Transport = transport;
        RemoteEndPoint = remoteEndPoint;
    }

    public byte[] Bytes { get; }

    public UpstreamTransport Transport { get; }

    /// <summary>The address and port the query came from (the forwarder's socket), when known.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    public ushort Id => TestMessage.Id(Bytes);

    public string Name => TestMessage.QuestionName(Bytes);

    public ushort Type => TestMessage.QuestionType(Bytes);
}
