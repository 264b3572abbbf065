namespace Resolver.Testing;

public enum UpstreamTransport
{
    Udp,
    Tcp,
}

/// <summary>A query as the test upstream received it.</summary>
public sealed class UpstreamRequest
{
    public UpstreamRequest(byte[] bytes, UpstreamTransport transport)
    {
        Bytes = bytes;
        Transport = transport;
    }

    public byte[] Bytes { get; }

    public UpstreamTransport Transport { get; }

    public ushort Id => TestMessage.Id(Bytes);

    public string Name => TestMessage.QuestionName(Bytes);

    public ushort Type => TestMessage.QuestionType(Bytes);
}
