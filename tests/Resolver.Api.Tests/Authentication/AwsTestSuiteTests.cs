using System.Text;
using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

/// <summary>
/// Requests and signatures of the AWS SigV4 test suite (aws-sig-v4-test-suite: get-vanilla,
/// get-vanilla-query-order-key-case, post-x-www-form-urlencoded), signed for service "service" in us-east-1
/// at 20150830T123600Z. The signatures were also reproduced with botocore 1.43.11, clock frozen at that time:
/// <c>botocore.auth.get_current_datetime = lambda: datetime.datetime(2015, 8, 30, 12, 36, 0)</c>, then
/// <c>SigV4Auth(Credentials(AccessKeyId, SecretAccessKey), 'service', 'us-east-1').add_auth(AWSRequest(...))</c>.
/// </summary>
public sealed class AwsTestSuiteTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20150830T123600Z";
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    private const string GetVanillaSignature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private const string GetVanillaQueryOrderKeyCaseSignature = "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";
    private const string PostFormSignature = "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a";

    private const string Mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private static readonly DateTimeOffset SigningTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private readonly SigV4Verifier _verifier = new(
        [new ApiAccessKey { AccessKeyId = AccessKeyId, SecretAccessKey = SecretAccessKey }],
        ["us-east-1"], TimeSpan.FromMinutes(5), "service", new FixedTimeProvider(SigningTime));

    [Fact]
    public void The_get_vanilla_request_verifies()
    {
        var result = _verifier.Verify(GetVanilla());

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(AccessKeyId, result.AccessKeyId);
        Assert.Equal("us-east-1", result.Region);
    }

    [Fact]
    public void The_get_vanilla_query_order_key_case_request_verifies_with_its_parameters_out_of_order()
    {
        var request = Request("GET", "Param2=value2&Param1=value1", [new("Host", "example.amazonaws.com")], "host;x-amz-date", GetVanillaQueryOrderKeyCaseSignature, "");

        Assert.True(_verifier.Verify(request).Succeeded, _verifier.Verify(request).ToString());
    }

    [Fact]
    public void The_post_x_www_form_urlencoded_request_verifies()
    {
        var result = _verifier.Verify(PostForm());

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void The_get_vanilla_signature_does_not_fit_another_query()
    {
        var request = Request("GET", "Param1=value1", [new("Host", "example.amazonaws.com")], "host;x-amz-date", GetVanillaSignature, "");

        AssertMismatch(_verifier.Verify(request));
    }

    [Fact]
    public void Changing_one_byte_of_the_body_breaks_the_signature()
    {
        AssertMismatch(_verifier.Verify(PostForm().WithBody("Param1=value2")));
    }

    [Fact]
    public void Changing_one_byte_of_a_signed_header_breaks_the_signature()
    {
        AssertMismatch(_verifier.Verify(PostForm().WithHeader("Content-Type", "application/x-www-form-urlencodee")));
        AssertMismatch(_verifier.Verify(GetVanilla().WithHeader("Host", "example.amazonaws.con")));
    }

    [Fact]
    public void Changing_the_method_breaks_the_signature()
    {
        AssertMismatch(_verifier.Verify(GetVanilla().WithMethod("POST")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(63)]
    public void Changing_one_digit_of_the_signature_breaks_it(int position)
    {
        var digits = GetVanillaSignature.ToCharArray();
        digits[position] = digits[position] == '0' ? '1' : '0';

        var request = Request("GET", "", [new("Host", "example.amazonaws.com")], "host;x-amz-date", new string(digits), "");

        AssertMismatch(_verifier.Verify(request));
    }

    [Fact]
    public void A_truncated_or_lengthened_signature_is_not_the_signature()
    {
        AssertMismatch(_verifier.Verify(Request("GET", "", [new("Host", "example.amazonaws.com")], "host;x-amz-date", GetVanillaSignature[..63], "")));
        AssertMismatch(_verifier.Verify(Request("GET", "", [new("Host", "example.amazonaws.com")], "host;x-amz-date", GetVanillaSignature + "0", "")));
    }

    [Fact]
    public void A_botocore_presigned_url_verifies_and_fails_once_its_query_changes()
    {
        // SigV4QueryAuth(Credentials(AccessKeyId, SecretAccessKey), 'service', 'us-east-1', expires=60)
        //     .add_auth(AWSRequest(method='GET', url='https://example.amazonaws.com/?Param1=value1')), clock frozen as above.
        const string query =
            "Param1=value1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
            + "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=f45a9473dbea5361291c050d989b43620560929aba5680b0067dc3ca4e0b51ce";
        var request = new SigV4Request { Method = "GET", Path = "/", Query = "?" + query, Headers = [new("Host", "example.amazonaws.com")] };

        var result = _verifier.Verify(request);

        Assert.True(result.Succeeded, result.ToString());
        AssertMismatch(_verifier.Verify(request.WithPath("/", query.Replace("value1", "value2", StringComparison.Ordinal))));
    }

    [Fact]
    public void The_reference_signer_of_these_tests_reproduces_the_published_canonical_request_and_signatures()
    {
        var canonical = ReferenceSigner.CanonicalRequest(
            "GET", "/", "", [new("host", "example.amazonaws.com"), new("x-amz-date", AmzDate)], []);
        var stringToSign = ReferenceSigner.StringToSign(AmzDate, "20150830/us-east-1/service/aws4_request", canonical);

        Assert.Equal(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            stringToSign);
        Assert.Equal(GetVanillaSignature, ReferenceSigner.Signature(SecretAccessKey, "20150830", "us-east-1", "service", stringToSign));

        var postCanonical = ReferenceSigner.CanonicalRequest(
            "POST", "/", "",
            [new("content-type", "application/x-www-form-urlencoded"), new("host", "example.amazonaws.com"), new("x-amz-date", AmzDate)],
            Encoding.UTF8.GetBytes("Param1=value1"));
        Assert.Equal(
            PostFormSignature,
            ReferenceSigner.Signature(SecretAccessKey, "20150830", "us-east-1", "service",
                ReferenceSigner.StringToSign(AmzDate, "20150830/us-east-1/service/aws4_request", postCanonical)));
    }

    private static SigV4Request GetVanilla() =>
        Request("GET", "", [new("Host", "example.amazonaws.com")], "host;x-amz-date", GetVanillaSignature, "");

    private static SigV4Request PostForm() =>
        Request(
            "POST", "",
            [new("Content-Type", "application/x-www-form-urlencoded"), new("Host", "example.amazonaws.com")],
            "content-type;host;x-amz-date", PostFormSignature, "Param1=value1");

    private static SigV4Request Request(
        string method, string query, KeyValuePair<string, string>[] headers, string signedHeaders, string signature, string body) =>
        new()
        {
            Method = method,
            Path = "/",
            Query = query,
            Headers =
            [
                .. headers,
                new("X-Amz-Date", AmzDate),
                new("Authorization", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={signature}"),
            ],
            Body = Encoding.UTF8.GetBytes(body),
        };

    private static void AssertMismatch(SigV4Result result)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(new SigV4Error(SigV4Error.InvalidSignature, Mismatch, 400), result.Error);
    }
}
