using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

public sealed class ApiAccessKeysTests
{
    private static readonly Func<string, string?> NoEnvironment = static _ => null;

    [Fact]
    public void Keys_come_from_the_options_in_order()
    {
        var options = Options(("AKIDONE", "secret1"), ("AKIDTWO", "secret2"));

        var keys = ApiAccessKeys.Resolve(options, NoEnvironment);

        Assert.Equal([("AKIDONE", "secret1"), ("AKIDTWO", "secret2")], Pairs(keys));
    }

    [Fact]
    public void A_key_comes_from_the_environment()
    {
        var keys = ApiAccessKeys.Resolve(new ApiOptions(), Environment(("RESOLVER_API_ACCESS_KEY_ID", "AKIDENV"), ("RESOLVER_API_SECRET_ACCESS_KEY", "env/secret")));

        Assert.Equal([("AKIDENV", "env/secret")], Pairs(keys));
    }

    [Fact]
    public void The_environments_key_follows_the_configured_ones()
    {
        var keys = ApiAccessKeys.Resolve(
            Options(("AKIDONE", "secret1")),
            Environment(("RESOLVER_API_ACCESS_KEY_ID", "AKIDENV"), ("RESOLVER_API_SECRET_ACCESS_KEY", "env/secret")));

        Assert.Equal([("AKIDONE", "secret1"), ("AKIDENV", "env/secret")], Pairs(keys));
    }

    [Fact]
    public void The_same_key_in_the_options_and_the_environment_counts_once()
    {
        var keys = ApiAccessKeys.Resolve(
            Options(("AKIDONE", "secret1")),
            Environment(("RESOLVER_API_ACCESS_KEY_ID", "AKIDONE"), ("RESOLVER_API_SECRET_ACCESS_KEY", "secret1")));

        Assert.Equal([("AKIDONE", "secret1")], Pairs(keys));
    }

    [Fact]
    public void The_same_key_id_with_two_secrets_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(
            Options(("AKIDONE", "secret1")),
            Environment(("RESOLVER_API_ACCESS_KEY_ID", "AKIDONE"), ("RESOLVER_API_SECRET_ACCESS_KEY", "secret2"))));

        Assert.Equal("the environment: access key 'AKIDONE' is already defined with a different secret", error.Message);
    }

    [Fact]
    public void No_key_at_all_is_refused_naming_both_ways_to_give_one()
    {
        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(new ApiOptions(), NoEnvironment));

        Assert.Equal(
            "the API needs at least one access key: set Resolver:Api:AccessKeys or RESOLVER_API_ACCESS_KEY_ID and RESOLVER_API_SECRET_ACCESS_KEY",
            error.Message);
    }

    [Fact]
    public void Empty_environment_variables_count_as_unset()
    {
        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(
            new ApiOptions(), Environment(("RESOLVER_API_ACCESS_KEY_ID", ""), ("RESOLVER_API_SECRET_ACCESS_KEY", ""))));

        Assert.StartsWith("the API needs at least one access key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RESOLVER_API_ACCESS_KEY_ID", "RESOLVER_API_ACCESS_KEY_ID is set but RESOLVER_API_SECRET_ACCESS_KEY is not: set both or neither")]
    [InlineData("RESOLVER_API_SECRET_ACCESS_KEY", "RESOLVER_API_SECRET_ACCESS_KEY is set but RESOLVER_API_ACCESS_KEY_ID is not: set both or neither")]
    public void Half_a_key_in_the_environment_is_refused(string variable, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(Options(("AKIDONE", "secret1")), Environment((variable, "x"))));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Only_the_two_documented_variables_are_read()
    {
        var asked = new List<string>();

        ApiAccessKeys.Resolve(Options(("AKIDONE", "secret1")), name =>
        {
            asked.Add(name);
            return null;
        });

        Assert.Equal(["RESOLVER_API_ACCESS_KEY_ID", "RESOLVER_API_SECRET_ACCESS_KEY"], asked.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("", "secret", "Resolver:Api:AccessKeys:0: AccessKeyId is empty")]
    [InlineData("  ", "secret", "Resolver:Api:AccessKeys:0: AccessKeyId is empty")]
    [InlineData("AKIDONE", "", "Resolver:Api:AccessKeys:0: SecretAccessKey of access key 'AKIDONE' is empty")]
    [InlineData("AKID/ONE", "secret", "Resolver:Api:AccessKeys:0: AccessKeyId 'AKID/ONE' may not contain '/', ',' or white space")]
    [InlineData("AKID,ONE", "secret", "Resolver:Api:AccessKeys:0: AccessKeyId 'AKID,ONE' may not contain '/', ',' or white space")]
    [InlineData("AKID ONE", "secret", "Resolver:Api:AccessKeys:0: AccessKeyId 'AKID ONE' may not contain '/', ',' or white space")]
    public void An_incomplete_or_unusable_configured_key_is_refused_with_its_place(string id, string secret, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(Options((id, secret)), NoEnvironment));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_unusable_environment_key_is_refused_naming_the_variable()
    {
        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(
            new ApiOptions(), Environment(("RESOLVER_API_ACCESS_KEY_ID", "AKIDENV\n"), ("RESOLVER_API_SECRET_ACCESS_KEY", "s"))));

        Assert.Equal("the environment: RESOLVER_API_ACCESS_KEY_ID 'AKIDENV\n' may not contain '/', ',' or white space", error.Message);
    }

    [Fact]
    public void A_missing_configured_entry_is_refused_with_its_place()
    {
        var options = Options(("AKIDONE", "secret1"));
        options.AccessKeys.Add(null!);

        var error = Assert.Throws<InvalidDataException>(() => ApiAccessKeys.Resolve(options, NoEnvironment));

        Assert.Equal("Resolver:Api:AccessKeys:1 is empty: give it an AccessKeyId and a SecretAccessKey", error.Message);
    }

    [Fact]
    public void Later_edits_of_the_options_do_not_change_the_resolved_keys()
    {
        var options = Options(("AKIDONE", "secret1"));
        var keys = ApiAccessKeys.Resolve(options, NoEnvironment);

        options.AccessKeys[0].SecretAccessKey = "changed";
        options.AccessKeys.Add(new ApiAccessKey { AccessKeyId = "AKIDTWO", SecretAccessKey = "secret2" });

        Assert.Equal([("AKIDONE", "secret1")], Pairs(keys));
    }

    [Fact]
    public void Resolved_keys_sign_requests_the_verifier_accepts()
    {
        var keys = ApiAccessKeys.Resolve(
            Options(("AKIDTESTKEY", "test/secret+KEY")),
            Environment(("RESOLVER_API_ACCESS_KEY_ID", "AKIDENV"), ("RESOLVER_API_SECRET_ACCESS_KEY", "env/secret")));
        var verifier = new SigV4Verifier(keys, [], TimeSpan.FromMinutes(5), SigV4Verifier.Route53ResolverService, new FixedTimeProvider(SignedRequest.Now));

        Assert.True(verifier.Verify(new SignedRequest().ToRequest()).Succeeded);
        Assert.True(verifier.Verify(new SignedRequest { AccessKeyId = "AKIDENV", SecretAccessKey = "env/secret" }.ToRequest()).Succeeded);
    }

    private static ApiOptions Options(params (string Id, string Secret)[] keys)
    {
        var options = new ApiOptions();
        foreach (var (id, secret) in keys)
        {
            options.AccessKeys.Add(new ApiAccessKey { AccessKeyId = id, SecretAccessKey = secret });
        }

        return options;
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static List<(string, string)> Pairs(IEnumerable<ApiAccessKey> keys) =>
        keys.Select(k => (k.AccessKeyId, k.SecretAccessKey)).ToList();
}
