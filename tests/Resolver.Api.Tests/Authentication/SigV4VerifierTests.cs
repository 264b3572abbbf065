using System.Security.Cryptography;
using System.Text;
using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

/// <summary>
/// The verifier against requests signed by <see cref="ReferenceSigner"/> (checked against the AWS test suite
/// and botocore elsewhere), each one wrong in one way, with the error AWS would answer.
/// </summary>
public sealed class SigV4VerifierTests
{
    private const string Mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private static readonly DateTimeOffset Now = SignedRequest.Now;

    private readonly SigV4Verifier _verifier = Verifier(Now);

    [Fact]
    public void A_request_signed_with_a_known_key_is_accepted_for_its_region()
    {
        var result = _verifier.Verify(new SignedRequest().ToRequest());

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("AKIDTESTKEY", result.AccessKeyId);
        Assert.Equal("eu-west-1", result.Region);
    }

    [Fact]
    public void Each_listed_key_and_region_may_sign()
    {
        var result = _verifier.Verify(new SignedRequest { AccessKeyId = "AKIDSECOND", SecretAccessKey = "second-secret", Region = "us-east-1" }.ToRequest());

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("AKIDSECOND", result.AccessKeyId);
        Assert.Equal("us-east-1", result.Region);
    }

    [Fact]
    public void An_unsigned_request_is_refused_as_missing_an_authentication_token()
    {
        var request = new SignedRequest().ToRequest().WithoutHeader("Authorization");

        AssertRefused(SigV4Error.MissingAuthenticationToken, "Missing Authentication Token", _verifier.Verify(request));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_authorization_header_counts_as_none(string value)
    {
        var request = new SignedRequest().ToRequest().WithHeader("Authorization", value);

        AssertRefused(SigV4Error.MissingAuthenticationToken, "Missing Authentication Token", _verifier.Verify(request));
    }

    [Fact]
    public void A_request_signed_with_an_unknown_access_key_is_refused()
    {
        var result = _verifier.Verify(new SignedRequest { AccessKeyId = "AKIDUNKNOWN" }.ToRequest());

        AssertRefused(SigV4Error.UnrecognizedClient, "The security token included in the request is invalid.", result);
    }

    [Fact]
    public void Access_key_ids_are_case_sensitive()
    {
        var result = _verifier.Verify(new SignedRequest { AccessKeyId = "akidtestkey" }.ToRequest());

        AssertRefused(SigV4Error.UnrecognizedClient, "The security token included in the request is invalid.", result);
    }

    [Fact]
    public void A_request_signed_with_a_wrong_secret_is_refused()
    {
        AssertMismatch(_verifier.Verify(new SignedRequest { SecretAccessKey = "test/secret+KEZ" }.ToRequest()));
    }

    [Fact]
    public void A_request_signed_with_another_keys_secret_is_refused()
    {
        AssertMismatch(_verifier.Verify(new SignedRequest { SecretAccessKey = "second-secret" }.ToRequest()));
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        var request = new SignedRequest().ToRequest().WithBody("""{"MaxResults": 100}""");

        AssertMismatch(_verifier.Verify(request));
    }

    [Fact]
    public void A_tampered_signed_header_is_refused()
    {
        var request = new SignedRequest().ToRequest().WithHeader("X-Amz-Target", "Route53Resolver.DeleteFirewallDomainList");

        AssertMismatch(_verifier.Verify(request));
    }

    [Fact]
    public void A_signed_header_dropped_after_signing_is_refused()
    {
        var request = new SignedRequest().ToRequest().WithoutHeader("X-Amz-Target");

        AssertMismatch(_verifier.Verify(request));
    }

    [Fact]
    public void A_second_field_added_to_a_signed_header_is_refused()
    {
        var request = new SignedRequest().ToRequest().WithAddedHeader("X-Amz-Target", "Route53Resolver.DeleteFirewallDomainList");

        Assert.False(_verifier.Verify(request).Succeeded);
    }

    [Fact]
    public void A_tampered_path_or_query_is_refused()
    {
        AssertMismatch(_verifier.Verify(new SignedRequest().ToRequest().WithPath("/admin")));
        AssertMismatch(_verifier.Verify(new SignedRequest().ToRequest().WithPath("/", "a=b")));
        AssertMismatch(_verifier.Verify(new SignedRequest { Query = "a=b" }.ToRequest().WithPath("/", "a=c")));
    }

    [Fact]
    public void A_signed_query_verifies_in_any_order_and_escaping()
    {
        var request = new SignedRequest { Query = "a=1&b=x%2Fy&c=~" }.ToRequest().WithPath("/", "?c=%7E&b=x%2fy&a=1");

        var result = _verifier.Verify(request);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void A_header_outside_the_signed_headers_may_change_freely()
    {
        var request = new SignedRequest().ToRequest()
            .WithHeader("User-Agent", "aws-cli/2.31.0")
            .WithHeader("Content-Length", "99")
            .WithAddedHeader("X-Amz-Security-Token", "not-signed-so-not-checked");

        var result = _verifier.Verify(request);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void Signed_header_names_match_in_any_case_and_values_are_trimmed_and_collapsed()
    {
        var request = new SignedRequest().ToRequest()
            .WithoutHeader("X-Amz-Target")
            .WithAddedHeader("x-AMZ-target", "  Route53Resolver.ListFirewallDomainLists\t")
            .WithHeader("Content-Type", "application/x-amz-json-1.1");

        Assert.True(_verifier.Verify(request).Succeeded);

        var spaced = new SignedRequest { Headers = [new("Host", "127.0.0.1:8053"), new("X-Amz-Target", "a   b"), new("Content-Type", "c")] }.ToRequest()
            .WithHeader("X-Amz-Target", " a \t b ");
        Assert.True(_verifier.Verify(spaced).Succeeded);
    }

    [Fact]
    public void A_repeated_signed_header_is_signed_as_its_values_joined_by_commas()
    {
        var request = new SignedRequest
        {
            Headers = [new("Host", "127.0.0.1:8053"), new("X-Amz-Target", "T"), new("Content-Type", "c"), new("X-Amz-Meta", "one"), new("X-Amz-Meta", "two")],
            SignedHeaders = "content-type;host;x-amz-date;x-amz-meta;x-amz-target",
        }.ToRequest();

        Assert.True(_verifier.Verify(request).Succeeded);
        AssertMismatch(_verifier.Verify(request.WithoutHeader("X-Amz-Meta").WithAddedHeader("X-Amz-Meta", "two").WithAddedHeader("X-Amz-Meta", "one")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-299)]
    [InlineData(-300)]
    [InlineData(299)]
    [InlineData(300)]
    public void A_signing_time_within_the_clock_skew_either_way_is_accepted(int seconds)
    {
        var result = _verifier.Verify(new SignedRequest { Time = Now.AddSeconds(seconds) }.ToRequest());

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void A_request_signed_just_over_the_clock_skew_ago_has_expired()
    {
        var result = _verifier.Verify(new SignedRequest { Time = Now.AddSeconds(-301) }.ToRequest());

        AssertRefused(
            SigV4Error.InvalidSignature,
            "Signature expired: 20261124T115459Z is now earlier than 20261124T115500Z (20261124T120000Z - 5 min.)",
            result);
    }

    [Fact]
    public void A_request_signed_a_day_ago_has_expired()
    {
        var result = _verifier.Verify(new SignedRequest { Time = Now.AddDays(-1) }.ToRequest());

        AssertRefused(
            SigV4Error.InvalidSignature,
            "Signature expired: 20261123T120000Z is now earlier than 20261124T115500Z (20261124T120000Z - 5 min.)",
            result);
    }

    [Fact]
    public void A_request_signed_just_over_the_clock_skew_ahead_is_not_yet_current()
    {
        var result = _verifier.Verify(new SignedRequest { Time = Now.AddSeconds(301) }.ToRequest());

        AssertRefused(
            SigV4Error.InvalidSignature,
            "Signature not yet current: 20261124T120501Z is still later than 20261124T120500Z (20261124T120000Z + 5 min.)",
            result);
    }

    [Fact]
    public void A_clock_skew_of_seconds_is_described_in_seconds()
    {
        var verifier = Verifier(Now, TimeSpan.FromSeconds(90));

        Assert.True(verifier.Verify(new SignedRequest { Time = Now.AddSeconds(-90) }.ToRequest()).Succeeded);
        AssertRefused(
            SigV4Error.InvalidSignature,
            "Signature expired: 20261124T115829Z is now earlier than 20261124T115830Z (20261124T120000Z - 90 sec.)",
            verifier.Verify(new SignedRequest { Time = Now.AddSeconds(-91) }.ToRequest()));
    }

    [Fact]
    public void A_fraction_of_a_second_on_the_clock_does_not_shorten_the_skew()
    {
        var verifier = Verifier(Now.AddMilliseconds(999));

        Assert.True(verifier.Verify(new SignedRequest { Time = Now.AddSeconds(-300) }.ToRequest()).Succeeded);
    }

    [Fact]
    public void The_clock_skew_is_checked_before_the_key_so_old_requests_reveal_nothing_about_keys()
    {
        var result = _verifier.Verify(new SignedRequest { AccessKeyId = "AKIDUNKNOWN", Time = Now.AddHours(-1) }.ToRequest());

        Assert.Equal(SigV4Error.InvalidSignature, result.Error?.Type);
        Assert.StartsWith("Signature expired: ", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_scope_date_other_than_the_x_amz_date_is_refused()
    {
        var result = _verifier.Verify(new SignedRequest { ScopeDate = "20261123" }.ToRequest());

        AssertRefused(
            SigV4Error.InvalidSignature,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261123' != '20261124', from '20261124T120000Z'.",
            result);
    }

    [Fact]
    public void A_region_not_in_the_allowed_list_is_refused()
    {
        var result = _verifier.Verify(new SignedRequest { Region = "ap-southeast-2" }.ToRequest());

        AssertRefused(SigV4Error.InvalidSignature, "Credential should be scoped to a valid region. ", result);
    }

    [Fact]
    public void Regions_are_compared_exactly()
    {
        var result = _verifier.Verify(new SignedRequest { Region = "EU-WEST-1" }.ToRequest());

        AssertRefused(SigV4Error.InvalidSignature, "Credential should be scoped to a valid region. ", result);
    }

    [Fact]
    public void An_empty_region_list_allows_any_region_but_not_none()
    {
        var verifier = new SigV4Verifier(Keys(), [], TimeSpan.FromMinutes(5), SigV4Verifier.Route53ResolverService, new FixedTimeProvider(Now));

        var result = verifier.Verify(new SignedRequest { Region = "ap-southeast-2" }.ToRequest());

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("ap-southeast-2", result.Region);
        AssertRefused(SigV4Error.InvalidSignature, "Credential should be scoped to a valid region. ", verifier.Verify(new SignedRequest { Region = "" }.ToRequest()));
    }

    [Theory]
    [InlineData("route53")]
    [InlineData("execute-api")]
    [InlineData("Route53Resolver")]
    public void A_request_signed_for_another_service_is_refused(string service)
    {
        var result = _verifier.Verify(new SignedRequest { Service = service }.ToRequest());

        AssertRefused(SigV4Error.InvalidSignature, "Credential should be scoped to correct service: 'route53resolver'. ", result);
    }

    [Fact]
    public void A_credential_scope_with_another_terminator_is_refused()
    {
        var result = _verifier.Verify(new SignedRequest { Terminator = "aws4_requesT" }.ToRequest());

        AssertRefused(SigV4Error.InvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requesT'. ", result);
    }

    [Fact]
    public void A_request_that_does_not_sign_the_host_is_refused()
    {
        var result = _verifier.Verify(new SignedRequest { SignedHeaders = "content-type;x-amz-date;x-amz-target" }.ToRequest());

        AssertRefused(SigV4Error.InvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", result);
    }

    [Fact]
    public void An_authorization_header_without_a_signature_is_incomplete()
    {
        var request = new SignedRequest().ToRequest();
        var header = request.Header("Authorization");
        var unsigned = header[..header.IndexOf(", Signature=", StringComparison.Ordinal)];

        var result = _verifier.Verify(request.WithHeader("Authorization", unsigned));

        AssertRefused(SigV4Error.IncompleteSignature, "Authorization header requires 'Signature' parameter. Authorization=" + unsigned, result);
    }

    [Fact]
    public void An_authorization_header_with_another_algorithm_is_incomplete()
    {
        var request = new SignedRequest().ToRequest();
        var header = request.Header("Authorization").Replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", StringComparison.Ordinal);

        var result = _verifier.Verify(request.WithHeader("Authorization", header));

        AssertRefused(SigV4Error.IncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.", result);
    }

    [Fact]
    public void A_token_without_an_equal_sign_is_incomplete()
    {
        var request = new SignedRequest().ToRequest();
        var header = request.Header("Authorization").Replace("SignedHeaders=", "SignedHeaders ", StringComparison.Ordinal);

        var result = _verifier.Verify(request.WithHeader("Authorization", header));

        Assert.Equal(SigV4Error.IncompleteSignature, result.Error?.Type);
        Assert.StartsWith("'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: ", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(400, result.Error.StatusCode);
    }

    [Fact]
    public void A_credential_without_five_parts_is_incomplete()
    {
        var request = new SignedRequest().ToRequest();
        var header = request.Header("Authorization").Replace("/route53resolver/", "/", StringComparison.Ordinal);

        var result = _verifier.Verify(request.WithHeader("Authorization", header));

        AssertRefused(
            SigV4Error.IncompleteSignature,
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDTESTKEY/20261124/eu-west-1/aws4_request'",
            result);
    }

    [Fact]
    public void A_request_without_a_date_is_incomplete()
    {
        var request = new SignedRequest().ToRequest().WithoutHeader("X-Amz-Date");

        var result = _verifier.Verify(request);

        Assert.Equal(SigV4Error.IncompleteSignature, result.Error?.Type);
        Assert.StartsWith(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 ",
            result.Error!.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-24T12:00:00Z")]
    [InlineData("20261124T120000")]
    [InlineData("20261124T120000Z,20261124T120000Z")]
    public void An_x_amz_date_not_in_iso_8601_basic_format_is_incomplete(string date)
    {
        var request = new SignedRequest().ToRequest().WithHeader("X-Amz-Date", date);

        var result = _verifier.Verify(request);

        AssertRefused(
            SigV4Error.IncompleteSignature,
            $"Date must be in ISO-8601 'basic format'. Got '{date}'. See http://en.wikipedia.org/wiki/ISO_8601",
            result);
    }

    [Fact]
    public void A_request_dated_by_an_http_date_header_verifies()
    {
        var request = new SignedRequest
        {
            SendAmzDate = false,
            Headers = [new("Host", "127.0.0.1:8053"), new("Date", "Tue, 24 Nov 2026 11:58:00 GMT"), new("Content-Type", "application/x-amz-json-1.1")],
            SignedHeaders = "content-type;date;host",
            Time = Now.AddMinutes(-2),
        }.ToRequest();

        var result = _verifier.Verify(request);

        Assert.True(result.Succeeded, result.ToString());
        AssertRefused(
            SigV4Error.IncompleteSignature,
            "Date must be in RFC 1123 format. Got '2026-11-24'.",
            _verifier.Verify(request.WithHeader("Date", "2026-11-24")));
    }

    [Fact]
    public void A_matching_signed_x_amz_content_sha256_verifies_and_a_false_one_is_refused()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"MaxResults": 10}""")));
        var headers = new SignedRequest().Headers.Append(new("X-Amz-Content-Sha256", hash)).ToList();
        var request = new SignedRequest { Headers = headers, SignedHeaders = "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target" }.ToRequest();

        Assert.True(_verifier.Verify(request).Succeeded);

        var result = _verifier.Verify(request.WithBody("""{"MaxResults": 11}"""));
        AssertRefused(SigV4Error.InvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.", result);
    }

    [Fact]
    public void An_authorization_header_and_a_presigned_query_together_are_refused()
    {
        var request = new SignedRequest().ToRequest().WithPath("/", "X-Amz-Algorithm=AWS4-HMAC-SHA256");

        AssertRefused(
            SigV4Error.IncompleteSignature,
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified",
            _verifier.Verify(request));
    }

    [Fact]
    public void The_constructor_refuses_a_key_id_listed_twice()
    {
        var keys = new[] { new ApiAccessKey { AccessKeyId = "A", SecretAccessKey = "1" }, new ApiAccessKey { AccessKeyId = "A", SecretAccessKey = "2" } };

        Assert.Throws<ArgumentException>(() => new SigV4Verifier(keys, [], TimeSpan.FromMinutes(5), "s", TimeProvider.System));
    }

    private static SigV4Verifier Verifier(DateTimeOffset now, TimeSpan? clockSkew = null) =>
        new(Keys(), ["eu-west-1", "us-east-1"], clockSkew ?? TimeSpan.FromMinutes(5), SigV4Verifier.Route53ResolverService, new FixedTimeProvider(now));

    private static ApiAccessKey[] Keys() =>
    [
        new() { AccessKeyId = "AKIDTESTKEY", SecretAccessKey = "test/secret+KEY" },
        new() { AccessKeyId = "AKIDSECOND", SecretAccessKey = "second-secret" },
    ];

    private static void AssertMismatch(SigV4Result result) => AssertRefused(SigV4Error.InvalidSignature, Mismatch, result);

    private static void AssertRefused(string type, string message, SigV4Result result)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(new SigV4Error(type, message, 400), result.Error);
    }
}
