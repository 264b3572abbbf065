using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Resolver.Api.Authentication;

/// <summary>
/// Checks AWS Signature Version 4 on incoming requests (Authorization header or presigned URL) and
/// answers failures with the error types and messages AWS JSON-protocol services use, so SDKs and
/// the AWS CLI report them as they would for the real service.
/// </summary>
public sealed class SigV4Verifier
{
    /// <summary>The signing name of the Route 53 Resolver API, the service this API imitates.</summary>
    public const string Route53ResolverService = "route53resolver";

    private const string Terminator = "aws4_request";

    private readonly FrozenDictionary<string, byte[]> _signingSecrets;
    private readonly FrozenSet<string> _regions;
    private readonly TimeSpan _clockSkew;
    private readonly string _service;
    private readonly TimeProvider _timeProvider;

    /// <param name="accessKeys">The keys requests may be signed with; ids must be unique.</param>
    /// <param name="regions">Regions a credential scope may name; empty allows any.</param>
    /// <param name="clockSkew">How far the signing time may be from the clock, either way.</param>
    /// <param name="service">The signing name the credential scope must carry, e.g. <see cref="Route53ResolverService"/>.</param>
    /// <param name="timeProvider">The clock.</param>
    public SigV4Verifier(
        IReadOnlyList<ApiAccessKey> accessKeys, IEnumerable<string> regions, TimeSpan clockSkew, string service, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(accessKeys);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);

        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in accessKeys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(accessKeys));
            if (!secrets.TryAdd(key.AccessKeyId, Encoding.UTF8.GetBytes("AWS4" + key.SecretAccessKey)))
            {
                throw new ArgumentException($"Access key id '{key.AccessKeyId}' is listed more than once.", nameof(accessKeys));
            }
        }

        _signingSecrets = secrets.ToFrozenDictionary(StringComparer.Ordinal);
        _regions = regions.ToFrozenSet(StringComparer.Ordinal);
        _clockSkew = clockSkew;
        _service = service;
        _timeProvider = timeProvider;
    }

    /// <summary>Verifies the request's signature; never throws for anything the client sent.</summary>
    public SigV4Result Verify(SigV4Request request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var headers = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Headers)
        {
            if (!headers.TryGetValue(name, out var values))
            {
                headers[name] = values = [];
            }

            values.Add(value ?? "");
        }

        var query = SigV4Canonical.ParseQuery(request.Query ?? "");
        var authorizationHeader = Single(headers, "authorization");
        var presigned = SigV4Authorization.IsPresignedQuery(query);
        if (string.IsNullOrWhiteSpace(authorizationHeader) && !presigned)
        {
            return SigV4Result.Failure(SigV4Error.Missing());
        }

        if (!string.IsNullOrWhiteSpace(authorizationHeader) && presigned)
        {
            // Two signatures could disagree about who is calling; AWS refuses the mix as well.
            return SigV4Result.Failure(SigV4Error.Incomplete(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified"));
        }

        var authorization = presigned
            ? SigV4Authorization.FromQuery(query, out var error)
            : SigV4Authorization.FromHeader(authorizationHeader!, Single(headers, "x-amz-date"), Single(headers, "date"), out error);
        if (authorization is null)
        {
            return SigV4Result.Failure(error!);
        }

        var scope = authorization.Credential.Split('/');
        if (scope.Length != 5)
        {
            return SigV4Result.Failure(SigV4Error.Incomplete(
                $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{authorization.Credential}'"));
        }

        var (accessKeyId, scopeDate, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);

        if (!TryParseSigningTime(authorization, out var signingTime))
        {
            return SigV4Result.Failure(SigV4Error.Incomplete(authorization.DateIsHttpDate
                ? $"Date must be in RFC 1123 format. Got '{authorization.Date}'."
                : $"Date must be in ISO-8601 'basic format'. Got '{authorization.Date}'. See http://en.wikipedia.org/wiki/ISO_8601"));
        }

        var amzDate = SigV4Canonical.FormatAmzDate(signingTime);
        var scopeError = CheckScope(scopeDate, region, service, terminator, amzDate, authorization.SignedHeaders);
        if (scopeError is not null)
        {
            return SigV4Result.Failure(scopeError);
        }

        var timeError = CheckTime(signingTime, authorization.ExpiresSeconds);
        if (timeError is not null)
        {
            return SigV4Result.Failure(timeError);
        }

        if (!_signingSecrets.TryGetValue(accessKeyId, out var signingSecret))
        {
            return SigV4Result.Failure(SigV4Error.Unrecognized());
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(request.Body.Span));
        var declaredHash = Single(headers, "x-amz-content-sha256")?.Trim();

        // The declared hash is what gets signed, so it must be the body's, or a signed request could carry any body.
        if (declaredHash is not null && !string.Equals(declaredHash, bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            return SigV4Result.Failure(SigV4Error.Invalid("The provided 'x-amz-content-sha256' header does not match what was computed."));
        }

        var canonicalRequest = CanonicalRequest(request, query, headers, authorization, declaredHash ?? bodyHash);
        var credentialScope = $"{scopeDate}/{region}/{service}/{Terminator}";
        var stringToSign = string.Join(
            '\n',
            SigV4Authorization.Algorithm,
            amzDate,
            credentialScope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var signingKey = HMACSHA256.HashData(signingSecret, Encoding.UTF8.GetBytes(scopeDate));
        signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(region));
        signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(service));
        signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(Terminator));
        var expected = Encoding.ASCII.GetBytes(
            Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign))));
        var provided = Encoding.UTF8.GetBytes(authorization.Signature);

        if (!CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            return SigV4Result.Failure(SigV4Error.Invalid(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."));
        }

        return SigV4Result.Success(accessKeyId, region);
    }

    private SigV4Error? CheckScope(string scopeDate, string region, string service, string terminator, string amzDate, string signedHeaders)
    {
        if (terminator != Terminator)
        {
            return SigV4Error.Invalid($"Credential should be scoped with a valid terminator: '{Terminator}', not '{terminator}'. ");
        }

        if (service != _service)
        {
            return SigV4Error.Invalid($"Credential should be scoped to correct service: '{_service}'. ");
        }

        if (region.Length == 0 || (_regions.Count > 0 && !_regions.Contains(region)))
        {
            return SigV4Error.Invalid("Credential should be scoped to a valid region. ");
        }

        if (scopeDate != amzDate[..8])
        {
            return SigV4Error.Invalid(
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        // Without the host signed, a captured request could be replayed against another endpoint.
        if (!signedHeaders.Split(';').Contains("host", StringComparer.OrdinalIgnoreCase))
        {
            return SigV4Error.Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        return null;
    }

    private SigV4Error? CheckTime(DateTimeOffset signingTime, int? expiresSeconds)
    {
        // Whole seconds, as the messages show them; a fraction would make "earlier than" read wrong.
        var now = DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var lifetime = expiresSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _clockSkew;

        var earliest = now - lifetime;
        if (signingTime < earliest)
        {
            return SigV4Error.Invalid(
                $"Signature expired: {SigV4Canonical.FormatAmzDate(signingTime)} is now earlier than {SigV4Canonical.FormatAmzDate(earliest)} ({SigV4Canonical.FormatAmzDate(now)} - {Describe(lifetime)})");
        }

        var latest = now + _clockSkew;
        if (signingTime > latest)
        {
            return SigV4Error.Invalid(
                $"Signature not yet current: {SigV4Canonical.FormatAmzDate(signingTime)} is still later than {SigV4Canonical.FormatAmzDate(latest)} ({SigV4Canonical.FormatAmzDate(now)} + {Describe(_clockSkew)})");
        }

        return null;
    }

    private static string CanonicalRequest(
        SigV4Request request, List<QueryParameter> query, Dictionary<string, List<string>> headers, SigV4Authorization authorization, string payloadHash)
    {
        var signedQuery = authorization.IsPresigned
            ? query.Where(static p => SigV4Canonical.Decode(p.RawName) != "X-Amz-Signature")
            : query;

        var builder = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(SigV4Canonical.Path(request.Path ?? "")).Append('\n')
            .Append(SigV4Canonical.Query(signedQuery)).Append('\n');

        foreach (var name in authorization.SignedHeaders.Split(';'))
        {
            // A signed header the request lacks canonicalizes as empty, so the signature fails rather than the parse.
            var values = headers.TryGetValue(name, out var found) ? found : [];
            builder.Append(name).Append(':').Append(SigV4Canonical.HeaderValue(values)).Append('\n');
        }

        return builder
            .Append('\n')
            .Append(authorization.SignedHeaders).Append('\n')
            .Append(payloadHash)
            .ToString();
    }

    private static bool TryParseSigningTime(SigV4Authorization authorization, out DateTimeOffset time)
    {
        if (!authorization.DateIsHttpDate)
        {
            return SigV4Canonical.TryParseAmzDate(authorization.Date, out time);
        }

        return DateTimeOffset.TryParseExact(
            authorization.Date.Trim(), "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static string? Single(Dictionary<string, List<string>> headers, string name) =>
        headers.TryGetValue(name, out var values) ? string.Join(',', values) : null;

    private static string Describe(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerMinute == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMinutes} min.")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds} sec.");
}
