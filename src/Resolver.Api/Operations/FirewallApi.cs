using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Resolver.Api.Protocol;
using Resolver.Api.State;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;
using Resolver.Firewall.ThreatProtection;
using Resolver.Server.Firewall;

namespace Resolver.Api.Operations;

/// <summary>
/// The Route53Resolver firewall operations over the API's state and the rulesets files' resources.
/// Calls are serialised by one lock: they are rare and small, and one order of changes keeps the saved
/// state, the answers and the firewall in force consistent. Each change is saved before it is answered
/// and applied to the running firewall before the lock is released.
/// </summary>
public sealed partial class FirewallApi
{
    private readonly Dictionary<string, Func<ApiCall, JsonObject>> _operations = new(StringComparer.Ordinal);
    private readonly ApiStateStore _store;
    private readonly FirewallState _firewall;
    private readonly ILogger _logger;

    public FirewallApi(ApiStateStore store, FirewallState firewall, ApiOptions options, TimeProvider time, ILogger<FirewallApi> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _firewall = firewall;
        Options = options;
        Time = time;
        _logger = logger;
        State = store.Load();
        RecoverInterruptedWork();
        new DomainListOperations(this).Register(_operations);
        new RuleGroupOperations(this).Register(_operations);
        new RuleOperations(this).Register(_operations);
        new AssociationOperations(this).Register(_operations);
        new ConfigOperations(this).Register(_operations);
    }

    internal ApiState State { get; }

    internal ApiOptions Options { get; }

    internal TimeProvider Time { get; }

    internal Lock Gate { get; } = new();

    internal ILogger Logger => _logger;

    /// <summary>The operations this endpoint answers, for the docs and tests.</summary>
    public IReadOnlyCollection<string> Operations => _operations.Keys;

    /// <summary>Installs the saved resources in the firewall; called once the rulesets files are loaded.</summary>
    public void Start()
    {
        lock (Gate)
        {
            Publish();
        }
    }

    /// <summary>Runs one operation (the part of <c>X-Amz-Target</c> after <c>Route53Resolver.</c>).</summary>
    public JsonObject Invoke(string operation, JsonElement body, string region)
    {
        if (!_operations.TryGetValue(operation, out var handler))
        {
            throw new ApiException("UnknownOperationException", $"Operation {operation} is not supported by this endpoint.");
        }

        var call = new ApiCall(new ApiRequest(body), region);
        lock (Gate)
        {
            return handler(call);
        }
    }

    /// <summary>Saves the state and applies it to the running firewall. Call under <see cref="Gate"/>.</summary>
    internal void Commit(params ApiDomainList[] changedLists)
    {
        _store.Save(State, changedLists);
        Publish();
    }

    /// <summary>The firewall as the rulesets files define it (read-only through the API).</summary>
    internal FirewallDefinition Files => _firewall.Files;

    internal string Now() => Timestamp(Time.GetUtcNow().UtcDateTime);

    internal static string Timestamp(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    internal static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    internal string Arn(ApiCall call, string kind, string id) => $"arn:aws:route53resolver:{call.Region}:{Options.AccountId}:{kind}/{id}";

    /// <summary>Normalises a domain specification as the service stores it, or throws its ValidationException.</summary>
    internal static string NormalizeDomain(string domain, string member)
    {
        if (!DomainSpecification.TryParse(domain, out var specification, out var error))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{domain}' at '{member}' failed to satisfy constraint: {error}");
        }

        return specification.ToString();
    }

    private void RecoverInterruptedWork()
    {
        foreach (var list in State.DomainLists)
        {
            if (list.Status == "IMPORTING")
            {
                list.Status = "COMPLETE_IMPORT_FAILED";
                list.StatusMessage = "The import was interrupted by a restart of the resolver; the previous domains are kept.";
            }
            else if (list.Status == "UPDATING")
            {
                // The domains of an update are saved before it is answered: only its status was left behind.
                list.Status = "COMPLETE";
                list.StatusMessage = "Finished domain update";
            }
        }
    }

    private void Publish()
    {
        var files = _firewall.Files;
        var listKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var list in files.DomainLists)
        {
            listKeys.TryAdd(list.Id, list.Name);
        }

        var lists = new List<DomainList>(State.DomainLists.Count);
        foreach (var list in State.DomainLists)
        {
            list.Compiled ??= new DomainList(list.Id, ToSpecifications(list.Domains)) { Id = list.Id, Description = list.Name, Source = "api" };
            lists.Add(list.Compiled);
            listKeys[list.Id] = list.Id;
        }

        var groups = new List<RuleGroup>(State.RuleGroups.Count);
        foreach (var group in State.RuleGroups)
        {
            var rules = new List<FirewallRule>(group.Rules.Count);
            foreach (var rule in group.Rules)
            {
                var listKey = rule.FirewallDomainListId is null ? null : listKeys.GetValueOrDefault(rule.FirewallDomainListId, rule.FirewallDomainListId);
                rules.Add(ToFirewallRule(rule, listKey));
            }

            groups.Add(new RuleGroup(group.Id, rules) { Id = group.Id });
        }

        var groupKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in files.RuleGroups)
        {
            groupKeys.TryAdd(group.Id, group.Name);
        }

        foreach (var group in State.RuleGroups)
        {
            groupKeys[group.Id] = group.Id;
        }

        var associations = new List<OverlayAssociation>(State.Associations.Count);
        foreach (var association in State.Associations)
        {
            if (groupKeys.TryGetValue(association.FirewallRuleGroupId, out var key))
            {
                associations.Add(new OverlayAssociation(association.VpcId, new RuleGroupAssociation(key, association.Priority)));
            }
        }

        var failOpen = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var config in State.FirewallConfigs)
        {
            if (config.FirewallFailOpen != "USE_LOCAL_RESOURCE_SETTING")
            {
                failOpen[config.ResourceId] = config.FirewallFailOpen == "ENABLED";
            }
        }

        _firewall.ApplyOverlay(new FirewallOverlay(lists, groups, associations, failOpen));
    }

    private static List<DomainSpecification> ToSpecifications(SortedSet<string> domains)
    {
        var specifications = new List<DomainSpecification>(domains.Count);
        foreach (var domain in domains)
        {
            if (DomainSpecification.TryParse(domain, out var specification, out _))
            {
                specifications.Add(specification);
            }
        }

        return specifications;
    }

    internal static FirewallRule ToFirewallRule(ApiRule rule, string? listKey)
    {
        var action = rule.Action switch
        {
            "ALLOW" => FirewallAction.Allow,
            "ALERT" => FirewallAction.Alert,
            _ => FirewallAction.Block,
        };
        BlockResponse? response = rule.BlockResponse switch
        {
            "NODATA" => BlockResponse.NoData,
            "NXDOMAIN" => BlockResponse.NxDomain,
            "OVERRIDE" => BlockResponse.Override,
            _ => null,
        };
        // Qtype was checked when the rule was made; a value that no longer parses matches every type.
        var qtype = rule.Qtype is { } text && QueryTypes.TryParse(text, out var parsed) ? parsed : (ushort)0;

        var protection = rule.DnsThreatProtection is { } protectionName && ThreatProtectionNames.TryParseProtection(protectionName, out var parsedProtection) ? parsedProtection : (DnsThreatProtection?)null;
        var threshold = rule.ConfidenceThreshold is { } thresholdName && ThreatProtectionNames.TryParseThreshold(thresholdName, out var parsedThreshold) ? parsedThreshold : ThreatConfidence.High;

        return new FirewallRule(rule.Name, rule.Priority, protection is null ? listKey : null, action)
        {
            ThreatProtection = protection,
            ConfidenceThreshold = threshold,
            BlockResponse = response,
            BlockOverrideDomain = rule.BlockOverrideDomain,
            BlockOverrideTtl = rule.BlockOverrideTtl ?? 0,
            Qtype = qtype,
            Redirection = rule.FirewallDomainRedirectionAction == "TRUST_REDIRECTION_DOMAIN"
                ? RedirectionAction.TrustRedirectionDomain
                : RedirectionAction.InspectRedirectionDomain,
        };
    }
}
