using System.Globalization;
using System.Net;
using Resolver.Firewall.Addresses;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Managed;
using Resolver.Firewall.Model;
using Resolver.Firewall.ThreatProtection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Resolver.Firewall.Rulesets;

/// <summary>
/// Reads every <c>*.yaml</c> of a rulesets folder, merges them and checks the result as the Route 53 API
/// would: names, priorities, references, block responses. Every problem is reported with its file and
/// line; any error rejects the whole load so the caller keeps its last good firewall.
/// </summary>
public sealed class RulesetLoader
{
    private const int MaxNameLength = 64;

    private readonly List<RulesetDiagnostic> _diagnostics = [];
    private readonly List<DomainList> _lists = [];
    private readonly List<RuleGroup> _groups = [];
    private readonly List<FirewallNetwork> _networks = [];
    private readonly Dictionary<string, (string File, int Line)> _listOrigins = new(StringComparer.Ordinal);
    private readonly List<(string File, int Line, string Group, FirewallRule Rule)> _ruleReferences = [];
    private readonly List<(string File, int Line, string Network, RuleGroupAssociation Association)> _associationReferences = [];
    private readonly List<RemoteListSpecification> _remoteLists = [];
    private readonly IRemoteListCache? _remoteCache;

    private RulesetLoader(IRemoteListCache? remoteCache)
    {
        _remoteCache = remoteCache;
    }

    /// <summary>
    /// Loads a folder. Remote lists are read from <paramref name="remoteCache"/>; a remote list without a
    /// cached copy loads as failed, which makes the networks that use it fail open or closed.
    /// </summary>
    public static RulesetLoadResult Load(string directory, IRemoteListCache? remoteCache = null)
    {
        var loader = new RulesetLoader(remoteCache);
        return loader.LoadDirectory(directory);
    }

    /// <summary>The built-in policy (<c>rulesets/default.yaml</c>), used when no rulesets folder exists.</summary>
    public static RulesetLoadResult LoadBuiltInDefault()
    {
        using var stream = typeof(RulesetLoader).Assembly.GetManifestResourceStream("defaults/default.yaml")!;
        using var reader = new StreamReader(stream);
        return LoadText(reader.ReadToEnd(), "(built-in default.yaml)");
    }

    /// <summary>Loads one YAML text as if it were the only file of a folder (for the API and tests).</summary>
    public static RulesetLoadResult LoadText(string yaml, string fileName, string? baseDirectory = null)
    {
        var loader = new RulesetLoader(null);
        loader.AddManagedLists();
        loader.LoadFile(new StringReader(yaml), fileName, baseDirectory ?? Directory.GetCurrentDirectory());
        return loader.Finish();
    }

    private RulesetLoadResult LoadDirectory(string directory)
    {
        AddManagedLists();
        if (!Directory.Exists(directory))
        {
            _diagnostics.Add(new RulesetDiagnostic(directory, 0, "rulesets folder does not exist", IsError: true));
            return Finish();
        }

        var files = Directory.GetFiles(directory, "*.yaml").Concat(Directory.GetFiles(directory, "*.yml")).ToList();
        files.Sort(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                using var reader = File.OpenText(file);
                LoadFile(reader, file, directory);
            }
            catch (IOException exception)
            {
                Error(file, 0, $"cannot read: {exception.Message}");
            }
            catch (UnauthorizedAccessException exception)
            {
                Error(file, 0, $"cannot read: {exception.Message}");
            }
        }

        return Finish();
    }

    private void AddManagedLists()
    {
        foreach (var list in ManagedDomainLists.All)
        {
            _lists.Add(list);
            _listOrigins[list.Name] = ("(managed)", 0);
        }
    }

    private void LoadFile(TextReader reader, string file, string baseDirectory)
    {
        var stream = new YamlStream();
        var parser = new Parser(reader);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException exception)
        {
            Error(file, (int)exception.Start.Line, $"not valid YAML: {exception.InnerException?.Message ?? exception.Message}");
            return;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these instead of a YamlException on some malformed input (found by fuzzing:
            // a plain scalar cut by a bad indent; a tag or key where a node was expected).
            Error(file, (int)(parser.Current?.Start.Line ?? 0), "not valid YAML: the parser stopped at this line");
            return;
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            if (document.RootNode is not YamlMappingNode root)
            {
                Error(file, Line(document.RootNode), "the top level must be a mapping with domainLists, ruleGroups and networks");
                continue;
            }

            // A document that names another kind (public-dns-services.yaml: kind: PublicDnsServices) is read
            // by another part of the resolver; it shares this folder so operators keep policy in one place.
            if (root.Children.TryGetValue(new YamlScalarNode("kind"), out var kind) && kind is YamlScalarNode { Value: not "Firewall" })
            {
                continue;
            }

            foreach (var (keyNode, value) in root.Children)
            {
                // A sequence or mapping as a key ("[a]: b", "? {a: b}") is valid YAML but no key of ours.
                if (keyNode is not YamlScalarNode { Value: var key })
                {
                    Error(file, Line(keyNode), "a top-level key must be a single value (domainLists, ruleGroups or networks)");
                    continue;
                }

                switch (key)
                {
                    case "kind":
                        break;
                    case "domainLists":
                        ForEachMapping(file, value, item => ReadDomainList(file, baseDirectory, item));
                        break;
                    case "ruleGroups":
                        ForEachMapping(file, value, item => ReadRuleGroup(file, item));
                        break;
                    case "networks":
                        ForEachMapping(file, value, item => ReadNetwork(file, item));
                        break;
                    default:
                        Error(file, Line(keyNode), $"unknown key '{key}' (expected domainLists, ruleGroups or networks)");
                        break;
                }
            }
        }
    }

    private void ReadDomainList(string file, string baseDirectory, YamlMappingNode node)
    {
        var fields = new Fields(this, file, node, "domain list", ["name", "domains", "file", "format", "url", "refreshInterval", "description"]);
        var name = fields.RequiredName();
        if (name is null)
        {
            return;
        }

        if (_listOrigins.TryGetValue(name, out var origin))
        {
            Error(file, Line(node), $"domain list '{name}' is already defined at {origin.File}:{origin.Line}");
            return;
        }

        var domains = new DomainSet();
        var sources = 0;
        string? source = null;
        if (fields.Node("domains") is { } inline)
        {
            sources++;
            source = "inline";
            if (inline is YamlSequenceNode sequence)
            {
                foreach (var entry in sequence)
                {
                    if (entry is YamlScalarNode { Value: { } text })
                    {
                        DomainListParser.TryAdd(text, file, Line(entry), domains, _diagnostics);
                    }
                    else
                    {
                        Error(file, Line(entry), "a domain must be a string");
                    }
                }
            }
            else
            {
                Error(file, Line(inline), "domains must be a list");
            }
        }

        var format = DomainListFormat.Auto;
        if (fields.Scalar("format") is { } formatText && !Enum.TryParse(formatText, ignoreCase: true, out format))
        {
            Error(file, fields.LineOf("format"), $"format '{formatText}' is not one of plain, hosts, adblock, auto");
        }

        if (fields.Scalar("file") is { } listFile)
        {
            sources++;
            var path = Path.GetFullPath(Path.Combine(baseDirectory, listFile));
            source = path;
            try
            {
                using var reader = File.OpenText(path);
                domains = DomainListParser.Parse(reader, format, path, _diagnostics);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Error(file, fields.LineOf("file"), $"domain list '{name}': cannot read '{listFile}': {exception.Message}");
            }
        }

        string? loadFailure = null;
        if (fields.Scalar("url") is { } urlText)
        {
            sources++;
            source = urlText;
            var interval = RemoteListSpecification.DefaultRefreshInterval;
            if (fields.Scalar("refreshInterval") is { } intervalText && !TryParseInterval(intervalText, out interval))
            {
                Error(file, fields.LineOf("refreshInterval"), $"domain list '{name}': refreshInterval '{intervalText}' is not a duration like 30s, 15m, 1h or 1d (at least 1s)");
            }

            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                Error(file, fields.LineOf("url"), $"domain list '{name}': url '{urlText}' is not an http(s) URL");
            }
            else
            {
                _remoteLists.Add(new RemoteListSpecification(name, url, interval) { Format = format });
                var cached = _remoteCache?.CachedPath(url);
                if (cached is null)
                {
                    loadFailure = _remoteCache?.LastFailure(url) is { } failure ? $"download failed and nothing is cached: {failure}" : "not downloaded yet";
                }
                else
                {
                    try
                    {
                        using var reader = File.OpenText(cached);
                        domains = DomainListParser.Parse(reader, format, urlText, _diagnostics);
                    }
                    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                    {
                        loadFailure = $"cached copy unreadable: {exception.Message}";
                    }
                }
            }
        }
        else if (fields.Node("refreshInterval") is not null)
        {
            Error(file, fields.LineOf("refreshInterval"), $"domain list '{name}': refreshInterval applies only to url lists");
        }

        if (sources != 1)
        {
            Error(file, Line(node), $"domain list '{name}' needs exactly one of domains, file or url");
            return;
        }

        _listOrigins[name] = (file, Line(node));
        _lists.Add(new DomainList(name, domains) { Source = source, Description = fields.Scalar("description"), LoadFailure = loadFailure });
    }

    private void ReadRuleGroup(string file, YamlMappingNode node)
    {
        var fields = new Fields(this, file, node, "rule group", ["name", "rules"]);
        var name = fields.RequiredName();
        if (name is null)
        {
            return;
        }

        if (_groups.Exists(g => g.Name == name))
        {
            Error(file, Line(node), $"rule group '{name}' is defined twice");
            return;
        }

        var rules = new List<FirewallRule>();
        if (fields.Node("rules") is { } rulesNode)
        {
            ForEachMapping(file, rulesNode, ruleNode =>
            {
                if (ReadRule(file, name, ruleNode) is { } rule)
                {
                    if (rules.Exists(r => r.Priority == rule.Priority))
                    {
                        Error(file, Line(ruleNode), $"rule group '{name}': priority {rule.Priority} is used by two rules; priorities must be unique in a group");
                    }
                    else if (rules.Exists(r => r.Name == rule.Name))
                    {
                        Error(file, Line(ruleNode), $"rule group '{name}': rule name '{rule.Name}' is used twice");
                    }
                    else
                    {
                        rules.Add(rule);
                        _ruleReferences.Add((file, Line(ruleNode), name, rule));
                    }
                }
            });
        }

        _groups.Add(new RuleGroup(name, rules));
    }

    private FirewallRule? ReadRule(string file, string group, YamlMappingNode node)
    {
        var fields = new Fields(this, file, node, "rule", ["name", "priority", "domainList", "action", "blockResponse", "blockOverrideDomain", "blockOverrideDnsType", "blockOverrideTtl", "qtype", "firewallDomainRedirectionAction", "dnsThreatProtection", "confidenceThreshold"]);
        var name = fields.RequiredName();
        var priority = fields.Integer("priority", required: true, 0, int.MaxValue);
        var list = fields.Scalar("domainList");
        var protection = fields.Enum<DnsThreatProtection>("dnsThreatProtection", required: false, "DGA, DICTIONARY_DGA or DNS_TUNNELING");
        var threshold = fields.Enum<ThreatConfidence>("confidenceThreshold", required: false, "LOW, MEDIUM or HIGH");
        if (list is null && fields.Scalar("dnsThreatProtection") is null)
        {
            Error(file, Line(node), $"rule '{name}' in group '{group}' needs a domainList or a dnsThreatProtection");
        }
        else if (list is not null && fields.Scalar("dnsThreatProtection") is not null)
        {
            Error(file, Line(node), $"rule '{name}' in group '{group}' has both a domainList and a dnsThreatProtection: a rule uses one or the other");
        }

        if (threshold == ThreatConfidence.None)
        {
            Error(file, fields.LineOf("confidenceThreshold"), $"confidenceThreshold 'NONE' must be LOW, MEDIUM or HIGH");
            threshold = null;
        }

        if (protection is not null && threshold is null && fields.Scalar("confidenceThreshold") is null)
        {
            Error(file, Line(node), $"rule '{name}': dnsThreatProtection needs a confidenceThreshold (LOW, MEDIUM or HIGH)");
        }
        else if (protection is null && fields.Scalar("confidenceThreshold") is not null)
        {
            Error(file, fields.LineOf("confidenceThreshold"), $"rule '{name}': confidenceThreshold applies only to a dnsThreatProtection rule");
        }

        var action = fields.Enum<FirewallAction>("action", required: true, "ALLOW, ALERT or BLOCK");
        var blockResponse = fields.Enum<BlockResponse>("blockResponse", required: false, "NODATA, NXDOMAIN or OVERRIDE");
        var overrideDomain = fields.Scalar("blockOverrideDomain");
        var overrideType = fields.Scalar("blockOverrideDnsType");
        var overrideTtl = fields.Integer("blockOverrideTtl", required: false, 0, FirewallRule.MaxOverrideTtl);
        var redirection = fields.Enum<RedirectionAction>("firewallDomainRedirectionAction", required: false, "INSPECT_REDIRECTION_DOMAIN or TRUST_REDIRECTION_DOMAIN");
        ushort qtype = 0;
        if (fields.Scalar("qtype") is { } qtypeText && !QueryTypes.TryParse(qtypeText, out qtype))
        {
            Error(file, fields.LineOf("qtype"), $"qtype '{qtypeText}' is not a query type (A, AAAA, CAA, CNAME, DS, MX, NAPTR, NS, PTR, SOA, SPF, SRV, TXT or TYPE<n>)");
        }

        if (action == FirewallAction.Block && blockResponse is null)
        {
            Error(file, Line(node), $"rule '{name}': blockResponse (NODATA, NXDOMAIN or OVERRIDE) is required when action is BLOCK");
        }

        if (action is not null and not FirewallAction.Block && (blockResponse is not null || overrideDomain is not null))
        {
            Error(file, Line(node), $"rule '{name}': blockResponse and blockOverride* apply only to action BLOCK");
        }

        if (blockResponse == BlockResponse.Override)
        {
            if (overrideDomain is null || overrideType is null || overrideTtl is null)
            {
                Error(file, Line(node), $"rule '{name}': OVERRIDE needs blockOverrideDomain, blockOverrideDnsType (CNAME) and blockOverrideTtl");
            }
            else if (!DomainSpecification.TryParse(overrideDomain, out var spec, out var error) || spec.IsWildcard)
            {
                Error(file, fields.LineOf("blockOverrideDomain"), $"rule '{name}': blockOverrideDomain '{overrideDomain}' is not a domain name{(error is null ? string.Empty : ": " + error)}");
            }
        }
        else if (overrideDomain is not null || overrideType is not null || overrideTtl is not null)
        {
            Error(file, Line(node), $"rule '{name}': blockOverride* apply only to blockResponse OVERRIDE");
        }

        if (overrideType is not null && !string.Equals(overrideType, "CNAME", StringComparison.OrdinalIgnoreCase))
        {
            Error(file, fields.LineOf("blockOverrideDnsType"), $"rule '{name}': blockOverrideDnsType must be CNAME");
        }

        if (name is null || priority is null || action is null || (list is null) == (protection is null) || (protection is not null && threshold is null))
        {
            return null;
        }

        return new FirewallRule(name, priority.Value, list, action.Value)
        {
            ThreatProtection = protection,
            ConfidenceThreshold = threshold ?? ThreatConfidence.High,
            BlockResponse = blockResponse,
            BlockOverrideDomain = overrideDomain is null ? null : DomainSpecification.TryParse(overrideDomain, out var normalized, out _) ? normalized.Name : overrideDomain,
            BlockOverrideTtl = overrideTtl ?? 0,
            Qtype = qtype,
            Redirection = redirection ?? RedirectionAction.InspectRedirectionDomain,
        };
    }

    private void ReadNetwork(string file, YamlMappingNode node)
    {
        var fields = new Fields(this, file, node, "network", ["name", "cidrs", "failOpen", "ruleGroupAssociations"]);
        var name = fields.RequiredName();
        if (name is null)
        {
            return;
        }

        if (_networks.Exists(n => n.Name == name))
        {
            Error(file, Line(node), $"network '{name}' is defined twice");
            return;
        }

        var cidrs = new List<IPNetwork>();
        if (fields.Node("cidrs") is YamlSequenceNode cidrNodes)
        {
            foreach (var cidrNode in cidrNodes)
            {
                var text = (cidrNode as YamlScalarNode)?.Value ?? string.Empty;
                if (CidrText.TryParse(text, allowAddress: false, out var cidr))
                {
                    cidrs.Add(cidr);
                }
                else
                {
                    Error(file, Line(cidrNode), $"network '{name}': '{text}' is not a CIDR range (like 10.0.0.0/16 or fd00::/8, host bits zero)");
                }
            }
        }
        else if (fields.Node("cidrs") is { } other)
        {
            Error(file, Line(other), $"network '{name}': cidrs must be a list");
        }
        else if (name != FirewallNetwork.DefaultName)
        {
            Error(file, Line(node), $"network '{name}' needs cidrs (only 'default' may omit them: it then covers every client)");
        }

        var failOpen = false;
        if (fields.Scalar("failOpen") is { } failOpenText && !bool.TryParse(failOpenText, out failOpen))
        {
            Error(file, fields.LineOf("failOpen"), $"network '{name}': failOpen must be true or false");
        }

        var associations = new List<RuleGroupAssociation>();
        if (fields.Node("ruleGroupAssociations") is { } associationNodes)
        {
            ForEachMapping(file, associationNodes, associationNode =>
            {
                var association = new Fields(this, file, associationNode, "rule group association", ["ruleGroup", "priority", "name", "mutationProtection"]);
                var group = association.Scalar("ruleGroup");
                var priority = association.Integer("priority", required: true, RuleGroupAssociation.MinPriority, RuleGroupAssociation.MaxPriority);
                if (group is null)
                {
                    Error(file, Line(associationNode), $"network '{name}': an association needs ruleGroup");
                    return;
                }

                if (priority is null)
                {
                    return;
                }

                if (associations.Exists(a => a.Priority == priority))
                {
                    Error(file, Line(associationNode), $"network '{name}': association priority {priority} is used twice; it must be unique per network");
                    return;
                }

                var created = new RuleGroupAssociation(group, priority.Value);
                associations.Add(created);
                _associationReferences.Add((file, Line(associationNode), name, created));
            });
        }

        _networks.Add(new FirewallNetwork(name, cidrs, associations) { FailOpen = failOpen });
    }

    private RulesetLoadResult Finish()
    {
        foreach (var (file, line, group, rule) in _ruleReferences)
        {
            if (rule.DomainListName is not null && !_listOrigins.ContainsKey(rule.DomainListName))
            {
                Error(file, line, $"rule '{rule.Name}' in group '{group}' uses domain list '{rule.DomainListName}', which is not defined");
            }
        }

        foreach (var (file, line, network, association) in _associationReferences)
        {
            if (!_groups.Exists(g => g.Name == association.RuleGroupName))
            {
                Error(file, line, $"network '{network}' associates rule group '{association.RuleGroupName}', which is not defined");
            }
            else if (_associationReferences.Count(a => a.Network == network && a.Association.RuleGroupName == association.RuleGroupName) > 1)
            {
                Error(file, line, $"network '{network}' associates rule group '{association.RuleGroupName}' twice");
            }
        }

        var succeeded = !_diagnostics.Exists(d => d.IsError);
        return new RulesetLoadResult(succeeded ? new FirewallDefinition(_lists, _groups, _networks) : null, _diagnostics) { RemoteLists = _remoteLists };
    }

    private static bool TryParseInterval(string text, out TimeSpan interval)
    {
        interval = default;
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out interval) && interval >= RemoteListSpecification.MinimumRefreshInterval;
        }

        interval = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            'd' => TimeSpan.FromDays(value),
            _ => TimeSpan.Zero,
        };
        return interval >= RemoteListSpecification.MinimumRefreshInterval;
    }

    private void ForEachMapping(string file, YamlNode node, Action<YamlMappingNode> read)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(file, Line(node), "expected a list");
            return;
        }

        foreach (var item in sequence)
        {
            if (item is YamlMappingNode mapping)
            {
                read(mapping);
            }
            else
            {
                Error(file, Line(item), "expected a mapping (key: value pairs)");
            }
        }
    }

    private void Error(string file, int line, string message) => _diagnostics.Add(new RulesetDiagnostic(file, line, message, IsError: true));

    private static int Line(YamlNode node) => (int)node.Start.Line;

    /// <summary>The keys of one mapping, with unknown keys reported so typos do not pass silently.</summary>
    private sealed class Fields
    {
        private readonly RulesetLoader _loader;
        private readonly string _file;
        private readonly YamlMappingNode _node;
        private readonly string _what;
        private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _values = new(StringComparer.Ordinal);

        public Fields(RulesetLoader loader, string file, YamlMappingNode node, string what, string[] allowed)
        {
            _loader = loader;
            _file = file;
            _node = node;
            _what = what;
            foreach (var (key, value) in node.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (Array.IndexOf(allowed, name) < 0)
                {
                    loader.Error(file, Line(key), $"unknown key '{name}' in {what} (allowed: {string.Join(", ", allowed)})");
                }
                else
                {
                    _values[name] = (key, value);
                }
            }
        }

        public YamlNode? Node(string key) => _values.TryGetValue(key, out var entry) ? entry.Value : null;

        public int LineOf(string key) => _values.TryGetValue(key, out var entry) ? Line(entry.Key) : Line(_node);

        public string? Scalar(string key)
        {
            var node = Node(key);
            if (node is null)
            {
                return null;
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            _loader.Error(_file, Line(node), $"{key} in {_what} must be a single value");
            return null;
        }

        public string? RequiredName()
        {
            var name = Scalar("name");
            if (string.IsNullOrWhiteSpace(name))
            {
                _loader.Error(_file, Line(_node), $"{_what} needs a name");
                return null;
            }

            if (name.Length > MaxNameLength)
            {
                _loader.Error(_file, LineOf("name"), $"{_what} name '{name}' is longer than {MaxNameLength} characters");
                return null;
            }

            return name;
        }

        public int? Integer(string key, bool required, int min, int max)
        {
            var text = Scalar(key);
            if (text is null)
            {
                if (required)
                {
                    _loader.Error(_file, Line(_node), $"{_what} needs {key}");
                }

                return null;
            }

            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                _loader.Error(_file, LineOf(key), $"{key} '{text}' must be a whole number from {min} to {max}");
                return null;
            }

            return value;
        }

        public TEnum? Enum<TEnum>(string key, bool required, string allowed)
            where TEnum : struct, System.Enum
        {
            var text = Scalar(key);
            if (text is null)
            {
                if (required)
                {
                    _loader.Error(_file, Line(_node), $"{_what} needs {key} ({allowed})");
                }

                return null;
            }

            if (System.Enum.TryParse<TEnum>(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var value) && !int.TryParse(text, out _))
            {
                return value;
            }

            _loader.Error(_file, LineOf(key), $"{key} '{text}' must be {allowed}");
            return null;
        }
    }
}
