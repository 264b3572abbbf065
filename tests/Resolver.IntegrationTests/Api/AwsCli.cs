using System.Text.Json.Nodes;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>
/// An AWS CLI pointed at the resolver's API with test credentials; no configuration file, profile or
/// instance metadata is read. By default Debian's v2 (<c>/usr/bin/aws</c>, package <c>awscli</c>); with
/// <see cref="Version1"/> the Python CLI v1 (<c>python3 -m awscli</c>), whose newer model knows the DNS
/// Firewall Advanced members. .ci/run installs both when missing.
/// </summary>
public sealed class AwsCli(Uri endpoint, string accessKeyId = ApiResolver.AccessKeyId, string secretAccessKey = ApiResolver.SecretAccessKey, bool version1 = false)
{
    public const string Path = "/usr/bin/aws";

    public static AwsCli Version1(Uri endpoint) => new(endpoint, version1: true);

    /// <summary>Runs <c>aws route53resolver ARGS</c>; the JSON it printed, or an exception with its output.</summary>
    public async Task<JsonObject> Route53ResolverAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws route53resolver {string.Join(' ', arguments)} failed: {result}");
        }

        return result.Stdout.Trim().Length == 0 ? [] : JsonNode.Parse(result.Stdout)!.AsObject();
    }

    public Task<ToolResult> RunAsync(params string[] arguments) =>
        ToolRun.RunAsync(
            version1 ? "python3" : Path,
            [.. version1 ? (string[])["-m", "awscli"] : [], "route53resolver", .. arguments, "--endpoint-url", endpoint.ToString(), "--output", "json", .. version1 ? (string[])[] : ["--no-cli-pager"]],
            new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = accessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = secretAccessKey,
                ["AWS_SESSION_TOKEN"] = null,
                ["AWS_PROFILE"] = null,
                ["AWS_DEFAULT_REGION"] = "us-east-1",
                ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_MAX_ATTEMPTS"] = "1",
                ["AWS_RETRY_MODE"] = "standard",
            },
            timeout: TimeSpan.FromSeconds(60),
            installHint: version1 ? "python3 -m pip install awscli (.ci/run does this)" : "apt-get install awscli (.ci/run does this)");
}
