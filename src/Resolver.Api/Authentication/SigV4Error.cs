namespace Resolver.Api.Authentication;

/// <summary>
/// Why a request was refused, in the shape an AWS JSON-protocol service answers with: the body is
/// <c>{"__type": Type, "message": Message}</c> with HTTP status <see cref="StatusCode"/>.
/// </summary>
public sealed record SigV4Error(string Type, string Message, int StatusCode)
{
    public const string MissingAuthenticationToken = "MissingAuthenticationTokenException";

    public const string IncompleteSignature = "IncompleteSignatureException";

    public const string InvalidSignature = "InvalidSignatureException";

    public const string UnrecognizedClient = "UnrecognizedClientException";

    // AWS answers every authentication failure of a JSON-protocol service with 400, not 401/403.
    internal static SigV4Error Missing() => new(MissingAuthenticationToken, "Missing Authentication Token", 400);

    internal static SigV4Error Incomplete(string message) => new(IncompleteSignature, message, 400);

    internal static SigV4Error Invalid(string message) => new(InvalidSignature, message, 400);

    internal static SigV4Error Unrecognized() => new(UnrecognizedClient, "The security token included in the request is invalid.", 400);
}
