namespace Resolver.Server.Pipeline;

/// <summary>Where answers to internal queries (cache prefetches) go: nowhere; the cache has already kept them.</summary>
internal sealed class NullResponseSink : IDnsResponseSink
{
    public static NullResponseSink Instance { get; } = new();

    public void SendResponse(QueryContext context, ReadOnlySpan<byte> response)
    {
    }
}
