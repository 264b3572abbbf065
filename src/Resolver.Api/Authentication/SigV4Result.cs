using System.Diagnostics.CodeAnalysis;

namespace Resolver.Api.Authentication;

/// <summary>The outcome of <see cref="SigV4Verifier.Verify"/>: who signed the request and for which region, or why it was refused.</summary>
public sealed class SigV4Result
{
    private SigV4Result(string? accessKeyId, string? region, SigV4Error? error)
    {
        AccessKeyId = accessKeyId;
        Region = region;
        Error = error;
        Succeeded = error is null;
    }

    [MemberNotNullWhen(true, nameof(AccessKeyId), nameof(Region))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded { get; }

    /// <summary>The access key id the request was signed with.</summary>
    public string? AccessKeyId { get; }

    /// <summary>The region of the request's credential scope.</summary>
    public string? Region { get; }

    public SigV4Error? Error { get; }

    public static SigV4Result Success(string accessKeyId, string region)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        ArgumentNullException.ThrowIfNull(region);
        return new SigV4Result(accessKeyId, region, null);
    }

    public static SigV4Result Failure(SigV4Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new SigV4Result(null, null, error);
    }

    public override string ToString() =>
        Succeeded ? $"signed by {AccessKeyId} for {Region}" : $"{Error.StatusCode} {Error.Type}: {Error.Message}";
}
