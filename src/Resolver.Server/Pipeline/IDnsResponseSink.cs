namespace Resolver.Server.Pipeline;

/// <summary>Where the answer to a forwarded query goes: the UDP socket or TCP connection it came in on.</summary>
public interface IDnsResponseSink
{
    /// <summary>Sends the finished response; must not block, as it runs on an upstream receive loop.</summary>
    void SendResponse(QueryContext context, ReadOnlySpan<byte> response);
}
