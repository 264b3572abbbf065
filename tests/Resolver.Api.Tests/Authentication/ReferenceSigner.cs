using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Resolver.Api.Tests.Authentication;

/// <summary>
/// SigV4 written out step by step from the AWS documentation ("Create a signed AWS API request"), sharing
/// nothing with the verifier, so the tests built on it check the verifier against the spec rather than
/// against itself. It takes the canonical URI and query as given; the callers only use forms that are
/// already canonical.
/// </summary>
internal static class ReferenceSigner
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Task 1: the canonical request.</summary>
    /// <param name="signedHeaders">The signed headers with lower-case names; repeated names are joined with commas in order.</param>
    public static string CanonicalRequest(
        string method, string canonicalUri, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> signedHeaders, ReadOnlySpan<byte> payload)
    {
        var headers = signedHeaders
            .GroupBy(h => h.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => CollapseBlanks(h.Value)))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();

        var canonical = new StringBuilder();
        canonical.Append(method).Append('\n');
        canonical.Append(canonicalUri).Append('\n');
        canonical.Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n');
        canonical.Append(string.Join(';', headers.Select(h => h.Name))).Append('\n');
        canonical.Append(Hex(SHA256.HashData(payload)));
        return canonical.ToString();
    }

    /// <summary>Task 2: the string to sign.</summary>
    public static string StringToSign(string amzDate, string credentialScope, string canonicalRequest) =>
        Algorithm + "\n" + amzDate + "\n" + credentialScope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    /// <summary>Tasks 3 and 4: derive the signing key from the secret and sign.</summary>
    public static string Signature(string secretAccessKey, string scopeDate, string region, string service, string stringToSign)
    {
        var kDate = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), scopeDate);
        var kRegion = Hmac(kDate, region);
        var kService = Hmac(kRegion, service);
        var kSigning = Hmac(kService, "aws4_request");
        return Hex(Hmac(kSigning, stringToSign));
    }

    public static string AmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Hmac(byte[] key, string data)
    {
        using var hmac = new HMACSHA256(key);
        return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
    }

    // Trim the value and turn each run of blanks inside it into one space.
    private static string CollapseBlanks(string value) =>
        string.Join(' ', value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
