using System.Text.Json.Nodes;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>
/// The AWS SDK for JavaScript v3 (<c>@aws-sdk/client-route53resolver</c>, pinned in Api/JsSdk/package.json)
/// calling the resolver's API through Api/JsSdk/route53resolver.mjs: it covers the members Debian's CLI
/// is too old to know (Qtype, FirewallDomainRedirectionAction). Its packages are installed with
/// <c>npm ci</c> next to the test binaries on first use (.ci/run installs node and npm).
/// </summary>
public sealed class JsSdk(Uri endpoint)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Api", "JsSdk");
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public async Task<JsonObject> CallAsync(string operation, JsonObject input)
    {
        var result = await RunAsync(operation, input);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{operation} failed: {result}");
        }

        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>Calls an operation expected to fail; its error name, message and HTTP status.</summary>
    public async Task<JsonObject> FailAsync(string operation, JsonObject input)
    {
        var result = await RunAsync(operation, input);
        Assert.True(result.ExitCode == 3, $"{operation} was expected to fail with an AWS error: {result}");
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    private async Task<ToolResult> RunAsync(string operation, JsonObject input)
    {
        await EnsureInstalledAsync();
        return await ToolRun.RunAsync(
            "node",
            ["route53resolver.mjs", operation, input.ToJsonString()],
            new Dictionary<string, string?>
            {
                ["RESOLVER_API_URL"] = endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = ApiResolver.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = ApiResolver.SecretAccessKey,
                ["AWS_SESSION_TOKEN"] = null,
                ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
            },
            Folder,
            TimeSpan.FromSeconds(60),
            "apt-get install nodejs npm (.ci/run does this)");
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "@aws-sdk", "client-route53resolver")))
            {
                return;
            }

            var install = await ToolRun.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], workingDirectory: Folder, timeout: TimeSpan.FromMinutes(5), installHint: "apt-get install npm (.ci/run does this)");
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {Folder} failed: {install}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }
}
