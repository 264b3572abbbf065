namespace Resolver.Testing;

/// <summary>What the test upstream does with a query: send these messages after this delay (none: stay silent).</summary>
public sealed class UpstreamReply
{
    private UpstreamReply(IReadOnlyList<byte[]> messages, TimeSpan delay)
    {
        Messages = messages;
        Delay = delay;
    }

    public IReadOnlyList<byte[]> Messages { get; }

    public TimeSpan Delay { get; }

    public static UpstreamReply Silent { get; } = new([], TimeSpan.Zero);

    public static UpstreamReply Answer(UpstreamRequest request, IReadOnlyList<TestRecord> records, byte rcode = 0, TimeSpan delay = default) =>
        new([TestMessage.Answer(request.Bytes, records, rcode)], delay);

    public static UpstreamReply Send(params byte[][] messages) => new(messages, TimeSpan.Zero);

    public static UpstreamReply SendAfter(TimeSpan delay, params byte[][] messages) => new(messages, delay);
}
