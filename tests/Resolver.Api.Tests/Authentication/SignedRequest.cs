using System.Text;
using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

/// <summary>
/// A Route 53 Resolver JSON 1.1 call shaped as botocore sends it, signed with <see cref="ReferenceSigner"/>;
/// each property can be changed to sign something else.
/// </summary>
internal sealed record SignedRequest
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public string AccessKeyId { get; init; } = "AKIDTESTKEY";

    public string SecretAccessKey { get; init; } = "test/secret+KEY";

    public string Region { get; init; } = "eu-west-1";

    public string Service { get; init; } = "route53resolver";

    public string Terminator { get; init; } = "aws4_request";

    /// <summary>The signing time, sent as <c>X-Amz-Date</c>.</summary>
    public DateTimeOffset Time { get; init; } = Now;

    /// <summary>The date of the credential scope; by default the date of <see cref="Time"/>.</summary>
    public string? ScopeDate { get; init; }

    public string Method { get; init; } = "POST";

    /// <summary>Sent as is and taken as canonical, so it must need no encoding.</summary>
    public string Path { get; init; } = "/";

    /// <summary>Sent as is and taken as canonical, so it must be sorted and strictly encoded.</summary>
    public string Query { get; init; } = "";

    public string Body { get; init; } = """{"MaxResults": 10}""";

    /// <summary>The headers besides <c>X-Amz-Date</c> and <c>Authorization</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } =
    [
        new("Host", "127.0.0.1:8053"),
        new("X-Amz-Target", "Route53Resolver.ListFirewallDomainLists"),
        new("Content-Type", "application/x-amz-json-1.1"),
        new("User-Agent", "Botocore/1.43.11"),
        new("Content-Length", "18"),
    ];

    /// <summary>Whether to send <c>X-Amz-Date</c>; without it the request needs a <c>Date</c> header.</summary>
    public bool SendAmzDate { get; init; } = true;

    public string SignedHeaders { get; init; } = "content-type;host;x-amz-date;x-amz-target";

    /// <summary>Builds the request with an <c>Authorization</c> header carrying the reference signature.</summary>
    public SigV4Request ToRequest()
    {
        var amzDate = ReferenceSigner.AmzDate(Time);
        var headers = Headers.ToList();
        if (SendAmzDate)
        {
            headers.Add(new("X-Amz-Date", amzDate));
        }

        var scope = $"{ScopeDate ?? amzDate[..8]}/{Region}/{Service}/{Terminator}";
        var signature = ReferenceSigner.Signature(SecretAccessKey, ScopeDate ?? amzDate[..8], Region, Service,
            ReferenceSigner.StringToSign(amzDate, scope, CanonicalRequest(headers)));
        headers.Add(new("Authorization", $"{ReferenceSigner.Algorithm} Credential={AccessKeyId}/{scope}, SignedHeaders={SignedHeaders}, Signature={signature}"));

        return new SigV4Request
        {
            Method = Method,
            Path = Path,
            Query = Query,
            Headers = headers,
            Body = Encoding.UTF8.GetBytes(Body),
        };
    }

    private string CanonicalRequest(List<KeyValuePair<string, string>> headers)
    {
        var names = SignedHeaders.Split(';');
        var signed = headers
            .Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value))
            .Where(h => names.Contains(h.Key, StringComparer.Ordinal));
        return ReferenceSigner.CanonicalRequest(Method, Path, Query, signed, Encoding.UTF8.GetBytes(Body));
    }
}
