using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Firewall.Rulesets;
using Resolver.Server.Caching;
using Resolver.Server.Configuration;
using Resolver.Server.Firewall;
using Resolver.Server.Pipeline;
using Resolver.Server.QueryLogging;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// A real <see cref="QueryPipeline"/> (firewall, 1 MB cache, default options) whose forwarder answers at once
/// through <see cref="Upstream"/>, and a sink that checks every answer it is given against the client's query.
/// </summary>
internal sealed class PipelineHost : IQueryForwarder, IDnsResponseSink
{
    /// <summary>Blocks with each response kind, alerts, and inspects redirections to <c>*.evil.example</c>.</summary>
    public const string Rules = """
        domainLists:
          - name: nx
            domains: ["*.ads.example", "blocked.example"]
          - name: nodata
            domains: [nodata.example]
          - name: walled
            domains: ["*.walled.example"]
          - name: walled-loop
            domains: [loop.example]
          - name: evil
            domains: ["*.evil.example"]
          - name: alert
            domains: ["*.alert.example"]
        ruleGroups:
          - name: g
            rules:
              - { name: nx, priority: 1, domainList: nx, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: nodata, priority: 2, domainList: nodata, action: BLOCK, blockResponse: NODATA, qtype: A }
              - { name: walled, priority: 3, domainList: walled, action: BLOCK, blockResponse: OVERRIDE,
                  blockOverrideDomain: garden.example.net, blockOverrideDnsType: CNAME, blockOverrideTtl: 60 }
              - { name: walled-loop, priority: 4, domainList: walled-loop, action: BLOCK, blockResponse: OVERRIDE,
                  blockOverrideDomain: blocked.example, blockOverrideDnsType: CNAME, blockOverrideTtl: 5 }
              - { name: evil, priority: 5, domainList: evil, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: alert, priority: 6, domainList: alert, action: ALERT }
        networks:
          - name: default
            ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
        """;

    private readonly byte[] _reply = new byte[ushort.MaxValue];
    private readonly byte[] _clientQuery = new byte[ushort.MaxValue];
    private IUpstreamCompletion? _completion;
    private int _clientQueryLength;
    private DnsQuery _parsedClientQuery;
    private DnsTransport _transport;

    public PipelineHost()
    {
        var options = Options.Create(new DnsServerOptions { Cache = new ResponseCacheOptions { MaxBytes = 1024 * 1024 } });
        MaxUdpResponseSize = options.Value.Udp.MaxResponseSize;
        var firewall = new FirewallState();
        var load = RulesetLoader.LoadText(Rules, "fuzz-pipeline.yaml");
        if (!firewall.Apply(load))
        {
            throw new InvalidOperationException("the fuzz pipeline's rules do not load: " + string.Join("; ", load.Diagnostics));
        }

        Pipeline = new QueryPipeline(this, firewall, new QueryLog(options), new ResponseCache(options), options, NullLogger<QueryPipeline>.Instance);
    }

    public QueryPipeline Pipeline { get; }

    public int MaxUdpResponseSize { get; }

    public SocketAddress Client { get; } = new IPEndPoint(IPAddress.Loopback, 40000).Serialize();

    public byte[] Response { get; } = new byte[ushort.MaxValue];

    /// <summary>Writes the upstream's reply to a forwarded query into the span; returns its length, or -1 for no reply (a failure).</summary>
    public UpstreamReply? Upstream { get; set; }

    /// <summary>Answers given to the sink since the last <see cref="Handle"/>.</summary>
    public int SinkAnswers { get; private set; }

    public int Forwards { get; private set; }

    public delegate int UpstreamReply(QueryContext context, Span<byte> reply);

    /// <summary>Runs one client message through the pipeline and checks what comes back, directly or through the sink.</summary>
    public int Handle(ReadOnlySpan<byte> request, DnsTransport transport)
    {
        _transport = transport;
        SinkAnswers = 0;
        Forwards = 0;
        var status = DnsQueryParser.Parse(request, out _parsedClientQuery);
        request.CopyTo(_clientQuery);
        _clientQueryLength = request.Length;
        var length = Pipeline.Handle(request, Response, transport, Client, this);
        FuzzInvariantException.Check(length == QueryPipeline.Forwarded || (length >= 0 && length <= Response.Length), $"Handle returned {length}");
        FuzzInvariantException.Check(Pipeline.InFlight == 0, $"{Pipeline.InFlight} queries left in flight after a synchronous upstream");
        if (status is DnsParseStatus.HeaderTooShort or DnsParseStatus.NotAQuery)
        {
            FuzzInvariantException.Check(length == 0, $"{status}: must be dropped, Handle returned {length}");
            return length;
        }

        // Whatever else the message is, the client gets an answer: FORMERR, NOTIMP, BADVERS, local or forwarded.
        FuzzInvariantException.Check(length != 0, $"{status}: dropped, but a readable header must be answered");
        if (length > 0)
        {
            CheckAnswer(Response.AsSpan(0, length), "direct answer");
        }
        else
        {
            FuzzInvariantException.Check(SinkAnswers == 1, $"a forwarded query got {SinkAnswers} answers");
        }

        return length;
    }

    public void Attach(IUpstreamCompletion completion) => _completion = completion;

    public void Forward(QueryContext context)
    {
        Forwards++;
        FuzzInvariantException.Check(Forwards <= 2, "more than two forwards for one client query");
        var length = Upstream is null ? -1 : Upstream(context, _reply);
        if (length < 0)
        {
            _completion!.OnUpstreamFailure(context);
        }
        else
        {
            _completion!.OnUpstreamResponse(context, _reply.AsSpan(0, length));
        }
    }

    public void SendResponse(QueryContext context, ReadOnlySpan<byte> response)
    {
        SinkAnswers++;
        CheckAnswer(response, "forwarded answer");
    }

    private void CheckAnswer(ReadOnlySpan<byte> answer, string what)
    {
        var query = _clientQuery.AsSpan(0, _clientQueryLength);
        FuzzInvariantException.Check(answer.Length >= DnsHeader.Size, $"{what}: {answer.Length} bytes");
        FuzzInvariantException.Check(DnsHeader.GetId(answer) == DnsHeader.GetId(query), $"{what}: ID {DnsHeader.GetId(answer)} is not the query's {DnsHeader.GetId(query)}");
        FuzzInvariantException.Check((DnsHeader.GetFlags(answer) & DnsHeader.FlagQr) != 0, $"{what}: QR not set");
        if (_parsedClientQuery.QuestionEnd > 0 && DnsHeader.GetQuestionCount(answer) == 1)
        {
            // An answer with a question carries the client's own, byte for byte (its spelling of the name too).
            var question = query[DnsHeader.Size.._parsedClientQuery.QuestionEnd];
            FuzzInvariantException.Check(answer.Length >= _parsedClientQuery.QuestionEnd && answer[DnsHeader.Size.._parsedClientQuery.QuestionEnd].SequenceEqual(question), $"{what}: the question is not the client's");
        }

        if (_transport == DnsTransport.Udp)
        {
            var limit = _parsedClientQuery.QuestionEnd > 0 ? _parsedClientQuery.MaxUdpResponseSize(MaxUdpResponseSize) : EdnsInfo.MinimumUdpPayload;
            FuzzInvariantException.Check(answer.Length <= limit, $"{what}: {answer.Length} bytes over UDP, the client takes {limit}");
        }
    }
}
