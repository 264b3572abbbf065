using Resolver.Api.Operations;
using Resolver.Api.State;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Model;

namespace Resolver.Api.Export;

/// <summary>
/// Adds what the management API made (saved in the state folder) to a rulesets definition, for
/// <c>resolver export</c>. API lists and groups keep their names; a name already taken (AWS allows the
/// same name twice) gets the resource id appended, so every rule still names the right list.
/// </summary>
public static class ApiResourcesExport
{
    /// <summary>The definition with the API's resources, or unchanged when the folder has none.</summary>
    public static FirewallDefinition AddTo(FirewallDefinition files, string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(files);
        var store = new ApiStateStore(stateDirectory);
        return File.Exists(store.StateFile) ? AddTo(files, store.Load()) : files;
    }

    public static FirewallDefinition AddTo(FirewallDefinition files, ApiState state)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(state);
        var listNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var takenLists = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in files.DomainLists)
        {
            takenLists.Add(list.Name);
            listNames.TryAdd(list.Id, list.Name);
        }

        var lists = new List<DomainList>(files.DomainLists);
        foreach (var list in state.DomainLists)
        {
            var name = Unique(list.Name, list.Id, takenLists);
            listNames[list.Id] = name;
            var domains = new List<DomainSpecification>(list.Domains.Count);
            foreach (var domain in list.Domains)
            {
                if (DomainSpecification.TryParse(domain, out var specification, out _))
                {
                    domains.Add(specification);
                }
            }

            lists.Add(new DomainList(name, domains) { Description = $"Made through the API as {list.Id}" });
        }

        var groupNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var takenGroups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in files.RuleGroups)
        {
            takenGroups.Add(group.Name);
            groupNames.TryAdd(group.Id, group.Name);
        }

        var groups = new List<RuleGroup>(files.RuleGroups);
        foreach (var group in state.RuleGroups)
        {
            var name = Unique(group.Name, group.Id, takenGroups);
            groupNames[group.Id] = name;
            var rules = new List<FirewallRule>(group.Rules.Count);
            foreach (var rule in group.Rules)
            {
                if (rule.FirewallDomainListId is null)
                {
                    rules.Add(FirewallApi.ToFirewallRule(rule, null));
                }
                else if (listNames.TryGetValue(rule.FirewallDomainListId, out var listName))
                {
                    rules.Add(FirewallApi.ToFirewallRule(rule, listName));
                }
            }

            groups.Add(new RuleGroup(name, rules));
        }

        var networks = new List<FirewallNetwork>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var network in files.Networks)
        {
            seen.Add(network.Name);
            networks.Add(WithApiSettings(network, state, groupNames));
        }

        if (!seen.Contains(FirewallNetwork.DefaultName))
        {
            var implicitDefault = WithApiSettings(new FirewallNetwork(FirewallNetwork.DefaultName, [], []), state, groupNames);
            if (implicitDefault.Associations.Count > 0 || implicitDefault.FailOpen)
            {
                networks.Add(implicitDefault);
            }
        }

        return new FirewallDefinition(lists, groups, networks);
    }

    private static FirewallNetwork WithApiSettings(FirewallNetwork network, ApiState state, Dictionary<string, string> groupNames)
    {
        var associations = new List<RuleGroupAssociation>(network.Associations);
        foreach (var association in state.Associations)
        {
            if (association.VpcId == network.Name && groupNames.TryGetValue(association.FirewallRuleGroupId, out var group))
            {
                associations.Add(new RuleGroupAssociation(group, association.Priority));
            }
        }

        var failOpen = network.FailOpen;
        var config = state.FirewallConfigs.Find(c => c.ResourceId == network.Name);
        if (config is not null && config.FirewallFailOpen != "USE_LOCAL_RESOURCE_SETTING")
        {
            failOpen = config.FirewallFailOpen == "ENABLED";
        }

        return network with { Associations = associations, FailOpen = failOpen };
    }

    private static string Unique(string name, string id, HashSet<string> taken)
    {
        var chosen = taken.Contains(name) ? $"{name}-{id}" : name;
        taken.Add(chosen);
        return chosen;
    }
}
