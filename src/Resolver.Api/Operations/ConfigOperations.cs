using System.Text.Json.Nodes;
using Resolver.Api.Protocol;
using Resolver.Api.State;

namespace Resolver.Api.Operations;

/// <summary>
/// Firewall configs: Get/Update/List, one per network (AWS: per VPC), holding FirewallFailOpen. A
/// network without an API-made config shows its rulesets setting.
/// </summary>
internal sealed class ConfigOperations
{
    private const string IdPrefix = "rslvr-fc-";

    private readonly FirewallApi _api;

    public ConfigOperations(FirewallApi api)
    {
        _api = api;
    }

    public void Register(Dictionary<string, Func<ApiCall, JsonObject>> operations)
    {
        operations["GetFirewallConfig"] = Get;
        operations["UpdateFirewallConfig"] = Update;
        operations["ListFirewallConfigs"] = List;
    }

    private JsonObject Get(ApiCall call)
    {
        var resourceId = call.Request.String("ResourceId", required: true, max: 64)!;
        return new JsonObject { ["FirewallConfig"] = View(Known(resourceId)) };
    }

    private JsonObject Update(ApiCall call)
    {
        var resourceId = call.Request.String("ResourceId", required: true, max: 64)!;
        var failOpen = call.Request.Enum("FirewallFailOpen", true, "ENABLED", "DISABLED", "USE_LOCAL_RESOURCE_SETTING")!;
        Known(resourceId);
        var config = _api.State.FirewallConfigs.Find(c => c.ResourceId == resourceId);
        if (config is null)
        {
            config = new ApiFirewallConfig { Id = AssociationOperations.StableId(IdPrefix, resourceId), ResourceId = resourceId, FirewallFailOpen = failOpen };
            _api.State.FirewallConfigs.Add(config);
        }

        config.FirewallFailOpen = failOpen;
        _api.Commit();
        return new JsonObject { ["FirewallConfig"] = View(resourceId) };
    }

    private JsonObject List(ApiCall call)
    {
        var views = new List<JsonObject>();
        foreach (var network in AssociationOperations.NetworkNames(_api))
        {
            views.Add(View(network));
        }

        var (page, next) = Pagination.Page(views, call.Request, maxLimit: 10, minLimit: 5);
        var answer = new JsonObject { ["FirewallConfigs"] = new JsonArray([.. page]) };
        if (next is not null)
        {
            answer["NextToken"] = next;
        }

        return answer;
    }

    private string Known(string resourceId) =>
        AssociationOperations.NetworkNames(_api).Contains(resourceId)
            ? resourceId
            : throw ApiException.NotFound("VPC", $"Can't find the network '{resourceId}': ResourceId names a network of the rulesets files (or 'default').");

    private JsonObject View(string network)
    {
        var config = _api.State.FirewallConfigs.Find(c => c.ResourceId == network);
        var setting = config?.FirewallFailOpen;
        if (setting is null or "USE_LOCAL_RESOURCE_SETTING")
        {
            var fileNetwork = _api.Files.Networks.FirstOrDefault(n => n.Name == network);
            setting = fileNetwork?.FailOpen == true ? "ENABLED" : "DISABLED";
        }

        return new JsonObject
        {
            ["Id"] = config?.Id ?? AssociationOperations.StableId(IdPrefix, network),
            ["ResourceId"] = network,
            ["OwnerId"] = _api.Options.AccountId,
            ["FirewallFailOpen"] = setting,
        };
    }
}
