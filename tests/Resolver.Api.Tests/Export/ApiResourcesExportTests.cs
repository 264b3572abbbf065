using System.Net;
using Resolver.Api.Export;
using Resolver.Api.Tests.Operations;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Rulesets;

namespace Resolver.Api.Tests.Export;

public sealed class ApiResourcesExportTests : IDisposable
{
    private readonly ApiFixture _fixture = new();
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _fixture.Dispose();
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void Api_resources_written_with_the_rulesets_load_back_and_block_the_same_names()
    {
        // Named like the file's list: the export must keep both apart.
        var listId = (string)_fixture.Call("CreateFirewallDomainList", new { CreatorRequestId = "r1", Name = "file-list" })["FirewallDomainList"]!["Id"]!;
        _fixture.Call("UpdateFirewallDomains", new { FirewallDomainListId = listId, Operation = "ADD", Domains = new[] { "api.example", "*.wild.example" } });
        var groupId = (string)_fixture.Call("CreateFirewallRuleGroup", new { CreatorRequestId = "r2", Name = "api group" })["FirewallRuleGroup"]!["Id"]!;
        _fixture.Call("CreateFirewallRule", new { CreatorRequestId = "r3", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 1, Action = "BLOCK", BlockResponse = "NXDOMAIN", Name = "blk", Qtype = "A" });
        _fixture.Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r4", FirewallRuleGroupId = groupId, VpcId = "default", Priority = 101, Name = "a" });
        _fixture.Call("UpdateFirewallConfig", new { ResourceId = "lab", FirewallFailOpen = "ENABLED" });
        var files = RulesetLoader.LoadText(ApiFixture.Rulesets, "test.yaml").Definition!;

        RulesetWriter.Write(ApiResourcesExport.AddTo(files, _fixture.StateDirectory), _output);
        var reloaded = RulesetLoader.Load(_output);

        Assert.True(reloaded.Succeeded, string.Join('\n', reloaded.Diagnostics));
        var firewall = CompiledFirewall.Compile(reloaded.Definition!);
        var client = IPAddress.Parse("192.0.2.1");
        Assert.True(firewall.Evaluate(client, "api.example", 1).Blocks);
        Assert.True(firewall.Evaluate(client, "x.wild.example", 1).Blocks);
        Assert.False(firewall.Evaluate(client, "api.example", 28).Blocks);
        Assert.True(firewall.Evaluate(client, "file.example", 1).Blocks);
        Assert.Contains(reloaded.Definition!.DomainLists, l => l.Name == "file-list");
        Assert.Contains(reloaded.Definition.DomainLists, l => l.Name == "file-list-" + listId);
        Assert.True(reloaded.Definition.Networks.Single(n => n.Name == "lab").FailOpen);
    }

    [Fact]
    public void A_state_folder_without_api_state_leaves_the_definition_as_it_is()
    {
        var files = RulesetLoader.LoadText(ApiFixture.Rulesets, "test.yaml").Definition!;
        var empty = Directory.CreateTempSubdirectory("no-api-").FullName;
        try
        {
            Assert.Same(files, ApiResourcesExport.AddTo(files, empty));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
