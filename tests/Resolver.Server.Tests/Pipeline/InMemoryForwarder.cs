using Resolver.Server.Pipeline;
using Resolver.Testing;

namespace Resolver.Server.Tests.Pipeline;

/// <summary>
/// Answers every forwarded query at once (A 192.0.2.1, an hour), so a test's first query fills the cache.
/// For allocation tests it notes the thread's allocated bytes at each query named <c>marker…</c>: the
/// first marker counts from after its own answer, the later ones up to their arrival here.
/// </summary>
internal sealed class InMemoryForwarder : IQueryForwarder
{
    private IUpstreamCompletion? _completion;

    public int Forwarded { get; private set; }

    public List<long> Markers { get; } = new(4);

    public void Attach(IUpstreamCompletion completion) => _completion = completion;

    public void Forward(QueryContext context)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Forwarded++;
        var query = context.QueryBytes.ToArray();
        var isMarker = TestMessage.QuestionName(query).StartsWith("marker", StringComparison.Ordinal);
        _completion!.OnUpstreamResponse(context, TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 3600)], withOpt: true));
        if (isMarker)
        {
            Markers.Add(Markers.Count == 0 ? GC.GetAllocatedBytesForCurrentThread() : allocated);
        }
    }
}
