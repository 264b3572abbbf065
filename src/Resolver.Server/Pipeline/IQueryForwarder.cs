namespace Resolver.Server.Pipeline;

/// <summary>Sends a query upstream and later reports back through <see cref="IUpstreamCompletion"/>.</summary>
public interface IQueryForwarder
{
    void Attach(IUpstreamCompletion completion);

    /// <summary>Starts forwarding; never blocks and never throws for upstream trouble.</summary>
    void Forward(QueryContext context);
}
