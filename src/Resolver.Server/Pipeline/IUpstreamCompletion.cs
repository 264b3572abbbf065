namespace Resolver.Server.Pipeline;

/// <summary>How the forwarder hands a query back: with the upstream's answer, or having given up.</summary>
public interface IUpstreamCompletion
{
    /// <summary>The answer matched the query; the span may be modified in place.</summary>
    void OnUpstreamResponse(QueryContext context, Span<byte> response);

    /// <summary>Every attempt failed or the time budget ran out.</summary>
    void OnUpstreamFailure(QueryContext context);
}
