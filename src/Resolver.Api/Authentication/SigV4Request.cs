namespace Resolver.Api.Authentication;

/// <summary>
/// The parts of an HTTP request a SigV4 signature covers, as they arrived on the wire, so the verifier
/// does not depend on Kestrel and tests can feed it captured or hand-written requests.
/// </summary>
public sealed class SigV4Request
{
    /// <summary>The HTTP method, e.g. <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The path as sent (still percent-encoded), without the query, e.g. <c>/</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query string as sent (still percent-encoded), with or without the leading <c>?</c>; empty when there is none.</summary>
    public string Query { get; init; } = "";

    /// <summary>Every header field in arrival order; a name may repeat, names compare case-insensitively.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    /// <summary>The complete request body.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}
