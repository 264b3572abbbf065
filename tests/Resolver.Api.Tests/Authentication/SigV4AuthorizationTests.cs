using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

public sealed class SigV4AuthorizationTests
{
    private const string Header =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa3";

    [Fact]
    public void An_authorization_header_yields_its_credential_signed_headers_signature_and_date()
    {
        var authorization = SigV4Authorization.FromHeader(Header, "20150830T123600Z", null, out var error);

        Assert.Null(error);
        Assert.NotNull(authorization);
        Assert.Equal("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", authorization.Credential);
        Assert.Equal("host;x-amz-date", authorization.SignedHeaders);
        Assert.Equal("5fa00fa3", authorization.Signature);
        Assert.Equal("20150830T123600Z", authorization.Date);
        Assert.False(authorization.DateIsHttpDate);
        Assert.False(authorization.IsPresigned);
        Assert.Null(authorization.ExpiresSeconds);
    }

    [Fact]
    public void Parameters_may_come_in_any_order_and_spacing_and_the_first_of_a_repeat_wins()
    {
        var authorization = SigV4Authorization.FromHeader(
            "  AWS4-HMAC-SHA256   Signature=abc,SignedHeaders=host,,Credential=A/B/C/D/E  Signature=def Other=x ", null, "Sun, 30 Aug 2015 12:36:00 GMT", out var error);

        Assert.Null(error);
        Assert.Equal("A/B/C/D/E", authorization!.Credential);
        Assert.Equal("host", authorization.SignedHeaders);
        Assert.Equal("abc", authorization.Signature);
        Assert.Equal("Sun, 30 Aug 2015 12:36:00 GMT", authorization.Date);
        Assert.True(authorization.DateIsHttpDate);
    }

    [Fact]
    public void X_amz_date_is_preferred_to_date()
    {
        var authorization = SigV4Authorization.FromHeader(Header, "20150830T123600Z", "Sun, 30 Aug 2015 12:36:00 GMT", out _);

        Assert.Equal("20150830T123600Z", authorization!.Date);
        Assert.False(authorization.DateIsHttpDate);
    }

    [Fact]
    public void Every_missing_parameter_is_named_in_one_message()
    {
        var authorization = SigV4Authorization.FromHeader("AWS4-HMAC-SHA256 SignedHeaders=host", null, null, out var error);

        Assert.Null(authorization);
        Assert.Equal(
            new SigV4Error(
                SigV4Error.IncompleteSignature,
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
                + "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 SignedHeaders=host",
                400),
            error);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256")]
    [InlineData("Bearer abc")]
    public void A_header_without_parameters_is_incomplete(string header)
    {
        var authorization = SigV4Authorization.FromHeader(header, "20150830T123600Z", null, out var error);

        Assert.Null(authorization);
        Assert.Equal(SigV4Error.IncompleteSignature, error?.Type);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA1")]
    [InlineData("aws4-hmac-sha256")]
    [InlineData("AWS")]
    public void Another_algorithm_is_unsupported(string algorithm)
    {
        var authorization = SigV4Authorization.FromHeader(Header.Replace("AWS4-HMAC-SHA256", algorithm, StringComparison.Ordinal), "20150830T123600Z", null, out var error);

        Assert.Null(authorization);
        Assert.Equal(new SigV4Error(SigV4Error.IncompleteSignature, $"Unsupported AWS 'algorithm': '{algorithm}'.", 400), error);
    }

    [Fact]
    public void A_presigned_query_yields_its_decoded_parameters()
    {
        var query = SigV4Canonical.ParseQuery(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
            + "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abc");

        Assert.True(SigV4Authorization.IsPresignedQuery(query));
        var authorization = SigV4Authorization.FromQuery(query, out var error);

        Assert.Null(error);
        Assert.Equal("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", authorization!.Credential);
        Assert.True(authorization.IsPresigned);
        Assert.Equal(60, authorization.ExpiresSeconds);
    }

    [Fact]
    public void A_query_without_signature_parameters_is_not_presigned()
    {
        Assert.False(SigV4Authorization.IsPresignedQuery(SigV4Canonical.ParseQuery("X-Amz-Date=20150830T123600Z&a=b")));
    }

    [Fact]
    public void A_presigned_query_missing_parameters_names_them()
    {
        var authorization = SigV4Authorization.FromQuery(SigV4Canonical.ParseQuery("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"), out var error);

        Assert.Null(authorization);
        Assert.Equal(
            new SigV4Error(
                SigV4Error.IncompleteSignature,
                "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
                + "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
                400),
            error);
    }

    [Theory]
    [InlineData("soon", "X-Amz-Expires should be a number")]
    [InlineData("-1", "X-Amz-Expires must be non-negative")]
    [InlineData("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800")]
    public void A_bad_expiry_is_incomplete(string expires, string message)
    {
        var query = SigV4Canonical.ParseQuery(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2FB%2FC%2FD%2FE&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&X-Amz-Expires=" + expires);

        Assert.Null(SigV4Authorization.FromQuery(query, out var error));
        Assert.Equal(new SigV4Error(SigV4Error.IncompleteSignature, message, 400), error);
    }

    [Fact]
    public void A_week_of_expiry_is_allowed()
    {
        var query = SigV4Canonical.ParseQuery(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2FB%2FC%2FD%2FE&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&X-Amz-Expires=604800");

        Assert.Equal(604800, SigV4Authorization.FromQuery(query, out _)!.ExpiresSeconds);
    }
}
