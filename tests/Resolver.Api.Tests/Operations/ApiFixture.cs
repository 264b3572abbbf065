using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Resolver.Api.Operations;
using Resolver.Api.State;
using Resolver.Firewall.Rulesets;
using Resolver.Server.Firewall;

namespace Resolver.Api.Tests.Operations;

/// <summary>
/// A firewall loaded from a rulesets text, with the API over it and its state in a temporary folder;
/// <see cref="Restart"/> makes a new API on the same folder, as a restart of the resolver would.
/// </summary>
public sealed class ApiFixture : IDisposable
{
    public const string Rulesets = """
        domainLists:
          - name: file-list
            domains: [file.example]
        ruleGroups:
          - name: file-group
            rules:
              - { name: file-rule, priority: 100, domainList: file-list, action: BLOCK, blockResponse: NODATA }
        networks:
          - name: default
            ruleGroupAssociations:
              - { ruleGroup: file-group, priority: 200 }
          - name: lab
            cidrs: [10.9.0.0/16]
        """;

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("api-state-").FullName;
    private readonly string _rulesets;

    public ApiFixture(string rulesets = Rulesets)
    {
        _rulesets = rulesets;
        Firewall = new FirewallState();
        Assert.True(Firewall.Apply(RulesetLoader.LoadText(_rulesets, "test.yaml")));
        Api = NewApi();
    }

    public FirewallState Firewall { get; private set; }

    public FirewallApi Api { get; private set; }

    public string StateDirectory => _stateDirectory;

    public JsonObject Call(string operation, object body) =>
        Api.Invoke(operation, JsonSerializer.SerializeToElement(body), "eu-west-1");

    /// <summary>Whether a query from a client of the default network is blocked now.</summary>
    public bool Blocks(string name, ushort qtype = 1) => Firewall.Current.Evaluate(IPAddress.Parse("192.0.2.1"), name, qtype).Blocks;

    public void Restart()
    {
        Firewall.Dispose();
        Firewall = new FirewallState();
        Assert.True(Firewall.Apply(RulesetLoader.LoadText(_rulesets, "test.yaml")));
        Api = NewApi();
    }

    public void Dispose()
    {
        Firewall.Dispose();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    private FirewallApi NewApi()
    {
        var api = new FirewallApi(new ApiStateStore(_stateDirectory), Firewall, new ApiOptions(), TimeProvider.System, NullLogger<FirewallApi>.Instance);
        api.Start();
        return api;
    }
}
