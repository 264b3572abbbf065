using System.Globalization;

namespace Resolver.Api.Authentication;

/// <summary>The signature parameters of a request, from its Authorization header or from a presigned URL's query.</summary>
internal sealed class SigV4Authorization
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    private const int MaxExpiresSeconds = 7 * 24 * 60 * 60;

    private SigV4Authorization(string credential, string signedHeaders, string signature, string date, bool dateIsHttpDate, bool isPresigned, int? expiresSeconds)
    {
        IsPresigned = isPresigned;
        Credential = credential;
        SignedHeaders = signedHeaders;
        Signature = signature;
        Date = date;
        DateIsHttpDate = dateIsHttpDate;
        ExpiresSeconds = expiresSeconds;
    }

    /// <summary><c>keyid/date/region/service/aws4_request</c>, decoded.</summary>
    public string Credential { get; }

    /// <summary>The <c>;</c>-separated lower-case header names, as the client listed them.</summary>
    public string SignedHeaders { get; }

    public string Signature { get; }

    /// <summary>The signing time as sent: ISO 8601 basic, or an RFC 1123 <c>Date</c> header when <see cref="DateIsHttpDate"/>.</summary>
    public string Date { get; }

    public bool DateIsHttpDate { get; }

    /// <summary>Whether the parameters came from the query string (a presigned URL).</summary>
    public bool IsPresigned { get; }

    /// <summary>How long a presigned URL stays valid after its date; null when only the clock skew applies.</summary>
    public int? ExpiresSeconds { get; }

    /// <summary>
    /// Parses <c>AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...</c> the way AWS does:
    /// tokens split on commas and spaces, each a key=value pair, with AWS's messages for what is wrong.
    /// </summary>
    public static SigV4Authorization? FromHeader(string header, string? amzDate, string? httpDate, out SigV4Error? error)
    {
        var text = header.Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? text : text[..space];
        string? credential = null, signedHeaders = null, signature = null;
        if (space >= 0)
        {
            foreach (var token in text[(space + 1)..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = token.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    error = SigV4Error.Incomplete($"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.");
                    return null;
                }

                var value = token[(equals + 1)..];
                switch (token[..equals])
                {
                    case "Credential":
                        credential ??= value;
                        break;
                    case "SignedHeaders":
                        signedHeaders ??= value;
                        break;
                    case "Signature":
                        signature ??= value;
                        break;
                }
            }
        }

        var missing = new List<string>();
        if (credential is null)
        {
            missing.Add("Authorization header requires 'Credential' parameter.");
        }

        if (signature is null)
        {
            missing.Add("Authorization header requires 'Signature' parameter.");
        }

        if (signedHeaders is null)
        {
            missing.Add("Authorization header requires 'SignedHeaders' parameter.");
        }

        if (amzDate is null && httpDate is null)
        {
            missing.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if (missing.Count > 0)
        {
            error = SigV4Error.Incomplete(string.Join(' ', missing) + " Authorization=" + header);
            return null;
        }

        if (algorithm != Algorithm)
        {
            error = SigV4Error.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'.");
            return null;
        }

        error = null;
        return new SigV4Authorization(credential!, signedHeaders!, signature!, amzDate ?? httpDate!, amzDate is null, isPresigned: false, expiresSeconds: null);
    }

    /// <summary>Reads the <c>X-Amz-*</c> parameters of a presigned URL.</summary>
    public static SigV4Authorization? FromQuery(IReadOnlyList<QueryParameter> parameters, out SigV4Error? error)
    {
        var algorithm = Find(parameters, "X-Amz-Algorithm");
        var credential = Find(parameters, "X-Amz-Credential");
        var signature = Find(parameters, "X-Amz-Signature");
        var signedHeaders = Find(parameters, "X-Amz-SignedHeaders");
        var date = Find(parameters, "X-Amz-Date");
        var expires = Find(parameters, "X-Amz-Expires");

        var missing = new List<string>();
        foreach (var (name, value) in new[]
                 {
                     ("X-Amz-Algorithm", algorithm), ("X-Amz-Credential", credential), ("X-Amz-Signature", signature),
                     ("X-Amz-SignedHeaders", signedHeaders), ("X-Amz-Date", date),
                 })
        {
            if (value is null)
            {
                missing.Add($"AWS query-string parameters must include '{name}'.");
            }
        }

        if (missing.Count > 0)
        {
            error = SigV4Error.Incomplete(string.Join(' ', missing) + " Re-examine the query-string parameters.");
            return null;
        }

        if (algorithm != Algorithm)
        {
            error = SigV4Error.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'.");
            return null;
        }

        // Without X-Amz-Expires the URL lives as long as the clock skew allows, like a signed header.
        int? expiresSeconds = null;
        if (expires is not null)
        {
            if (!int.TryParse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            {
                error = SigV4Error.Incomplete("X-Amz-Expires should be a number");
                return null;
            }

            if (seconds < 0)
            {
                error = SigV4Error.Incomplete("X-Amz-Expires must be non-negative");
                return null;
            }

            if (seconds > MaxExpiresSeconds)
            {
                error = SigV4Error.Incomplete($"X-Amz-Expires must be less than a week (in seconds) that is {MaxExpiresSeconds}");
                return null;
            }

            expiresSeconds = seconds;
        }

        error = null;
        return new SigV4Authorization(credential!, signedHeaders!, signature!, date!, dateIsHttpDate: false, isPresigned: true, expiresSeconds);
    }

    /// <summary>Whether the query carries presigned-URL parameters at all.</summary>
    public static bool IsPresignedQuery(IReadOnlyList<QueryParameter> parameters) =>
        Find(parameters, "X-Amz-Algorithm") is not null
        || Find(parameters, "X-Amz-Credential") is not null
        || Find(parameters, "X-Amz-Signature") is not null;

    private static string? Find(IReadOnlyList<QueryParameter> parameters, string name)
    {
        foreach (var parameter in parameters)
        {
            if (SigV4Canonical.Decode(parameter.RawName) == name)
            {
                return SigV4Canonical.Decode(parameter.RawValue);
            }
        }

        return null;
    }
}
