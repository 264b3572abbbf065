using Resolver.Server.Pipeline;
using Resolver.Testing;

namespace Resolver.Server.Tests.Pipeline;

/// <summary>Keeps every forwarded query unanswered until the test answers them: an upstream that is slow or gone.</summary>
internal sealed class HoldingForwarder : IQueryForwarder
{
    private readonly List<QueryContext> _held = [];
    private IUpstreamCompletion? _completion;

    public int Held => _held.Count;

    public void Attach(IUpstreamCompletion completion) => _completion = completion;

    public void Forward(QueryContext context) => _held.Add(context);

    /// <summary>Answers every held query (A 192.0.2.1).</summary>
    public void AnswerAll()
    {
        foreach (var context in _held)
        {
            var query = context.QueryBytes.ToArray();
            _completion!.OnUpstreamResponse(context, TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 3600)]));
        }

        _held.Clear();
    }
}
