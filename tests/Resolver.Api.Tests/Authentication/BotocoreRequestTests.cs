using System.Text;
using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

/// <summary>
/// Requests exactly as botocore 1.43.11 sends <c>list_firewall_domain_lists(MaxResults=10)</c>, captured with:
/// <code>
/// import datetime, botocore.auth, botocore.session
/// from botocore.awsrequest import AWSResponse
/// botocore.auth.get_current_datetime = lambda *a, **k: datetime.datetime(2026, 11, 24, 12, 0, 0)
/// c = botocore.session.get_session().create_client('route53resolver', region_name='eu-west-1',
///     endpoint_url='http://127.0.0.1:8053', aws_access_key_id='AKIAIOSFODNN7EXAMPLE',
///     aws_secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', aws_session_token=None)  # or the token below
/// c.meta.events.register('before-send', lambda request, **kw: print(request.headers, request.body) or AWSResponse(request.url, 200, {}, None))
/// c.list_firewall_domain_lists(MaxResults=10)
/// </code>
/// botocore signs Host from the endpoint URL without sending it in <c>request.headers</c>; Kestrel would see it as below.
/// </summary>
public sealed class BotocoreRequestTests
{
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string Body = """{"MaxResults": 10}""";
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN";

    private const string Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/eu-west-1/route53resolver/aws4_request, "
        + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=3bbf5366e94b3ddb6092c708aa9caf10d7c7a403c86c2d074eb92969bb50be07";

    private const string AuthorizationWithToken =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/eu-west-1/route53resolver/aws4_request, "
        + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=d49083109ac921e4837d2300d030b26fa022700a86d4d5e861e302fcaf3f9704";

    private const string Mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private static readonly DateTimeOffset SigningTime = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_request_signed_by_botocore_verifies_and_names_its_key_and_region()
    {
        var result = Verifier(SigningTime).Verify(Botocore(Authorization));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(AccessKeyId, result.AccessKeyId);
        Assert.Equal("eu-west-1", result.Region);
    }

    [Fact]
    public void A_request_signed_by_botocore_with_a_session_token_verifies()
    {
        var request = Botocore(AuthorizationWithToken).WithAddedHeader("X-Amz-Security-Token", SessionToken);

        var result = Verifier(SigningTime).Verify(request);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void A_changed_session_token_breaks_the_signature()
    {
        var request = Botocore(AuthorizationWithToken).WithAddedHeader("X-Amz-Security-Token", SessionToken + "x");

        AssertMismatch(Verifier(SigningTime).Verify(request));
    }

    [Fact]
    public void The_unsigned_headers_botocore_sends_may_differ_between_attempts()
    {
        var request = Botocore(Authorization)
            .WithHeader("amz-sdk-invocation-id", "00000000-0000-0000-0000-000000000000")
            .WithHeader("amz-sdk-request", "attempt=2; max=5")
            .WithHeader("User-Agent", "aws-cli/2.31.0")
            .WithAddedHeader("X-Forwarded-For", "192.0.2.7");

        Assert.True(Verifier(SigningTime).Verify(request).Succeeded);
    }

    [Theory]
    [InlineData("""{"MaxResults": 11}""")]
    [InlineData("""{"MaxResults": 10} """)]
    [InlineData("")]
    public void Another_body_under_the_botocore_signature_is_refused(string body)
    {
        AssertMismatch(Verifier(SigningTime).Verify(Botocore(Authorization).WithBody(body)));
    }

    [Theory]
    [InlineData("X-Amz-Target", "Route53Resolver.DeleteFirewallDomainList")]
    [InlineData("Host", "127.0.0.1:8054")]
    [InlineData("Content-Type", "application/x-amz-json-1.0")]
    public void Another_signed_header_under_the_botocore_signature_is_refused(string name, string value)
    {
        AssertMismatch(Verifier(SigningTime).Verify(Botocore(Authorization).WithHeader(name, value)));
    }

    [Fact]
    public void The_botocore_request_is_refused_when_replayed_six_minutes_later()
    {
        var result = Verifier(SigningTime.AddMinutes(6)).Verify(Botocore(Authorization));

        Assert.False(result.Succeeded);
        Assert.Equal(
            new SigV4Error(
                SigV4Error.InvalidSignature,
                "Signature expired: 20261124T120000Z is now earlier than 20261124T120100Z (20261124T120600Z - 5 min.)",
                400),
            result.Error);
    }

    [Fact]
    public void The_botocore_request_is_refused_when_the_server_has_another_secret_for_the_key()
    {
        var verifier = new SigV4Verifier(
            [new ApiAccessKey { AccessKeyId = AccessKeyId, SecretAccessKey = SecretAccessKey.Replace('/', '+') }],
            ["eu-west-1"], TimeSpan.FromMinutes(5), SigV4Verifier.Route53ResolverService, new FixedTimeProvider(SigningTime));

        AssertMismatch(verifier.Verify(Botocore(Authorization)));
    }

    [Fact]
    public void The_reference_signer_of_these_tests_agrees_with_botocore()
    {
        var request = new SignedRequest
        {
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
            Time = SigningTime,
        }.ToRequest();

        Assert.Equal(Authorization, request.Header("Authorization"));
    }

    private static SigV4Verifier Verifier(DateTimeOffset now) =>
        new(
            [new ApiAccessKey { AccessKeyId = "AKIDOTHER", SecretAccessKey = "other" }, new ApiAccessKey { AccessKeyId = AccessKeyId, SecretAccessKey = SecretAccessKey }],
            ["us-east-1", "eu-west-1"], TimeSpan.FromMinutes(5), SigV4Verifier.Route53ResolverService, new FixedTimeProvider(now));

    private static SigV4Request Botocore(string authorization) =>
        new()
        {
            Method = "POST",
            Path = "/",
            Headers =
            [
                new("Host", "127.0.0.1:8053"),
                new("X-Amz-Target", "Route53Resolver.ListFirewallDomainLists"),
                new("Content-Type", "application/x-amz-json-1.1"),
                new("User-Agent", "Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v857 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython m/Z,N,e,b,D cfg/retry-mode#legacy"),
                new("X-Amz-Date", "20261124T120000Z"),
                new("Authorization", authorization),
                new("amz-sdk-invocation-id", "c462631c-6a2e-4f08-87ca-f4ac35e3b3d3"),
                new("amz-sdk-request", "attempt=1"),
                new("Content-Length", "18"),
            ],
            Body = Encoding.UTF8.GetBytes(Body),
        };

    private static void AssertMismatch(SigV4Result result)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(new SigV4Error(SigV4Error.InvalidSignature, Mismatch, 400), result.Error);
    }
}
