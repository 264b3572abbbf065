using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Model;
using Resolver.Firewall.ThreatProtection;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Resolver.Firewall.Rulesets;

/// <summary>
/// Writes a <see cref="FirewallDefinition"/> as a rulesets folder that <see cref="RulesetLoader"/> reads back
/// to the same definition: <c>firewall.yaml</c> and one plain list file per domain list under <c>lists/</c>.
/// The managed lists are built into the binary, so they are not written; rules keep naming them.
/// </summary>
public static class RulesetWriter
{
    public const string FirewallFileName = "firewall.yaml";

    public const string ListsFolderName = "lists";

    private const int MaxFileStemLength = 64;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    // Windows refuses these as file names whatever the extension; a folder may be copied there.
    private static readonly HashSet<string> ReservedFileNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    // The emitter quotes what YAML syntax needs (*, ': ', '#'); the quoting option adds strings another
    // reader would take for a bool, number or null (yes, on, 123, ~), so every tool reads our names as names.
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .WithIndentedSequences()
        .WithNewLine("\n")
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    /// <summary>
    /// Writes <paramref name="definition"/> into <paramref name="folder"/>, which must not exist or be empty.
    /// Lists named in <paramref name="remoteLists"/> are written as <c>url</c> entries (the server downloads
    /// them again) rather than as a copy of their entries. Everything is written into a temporary sibling
    /// folder that is renamed into place at the end, so a failed export leaves nothing behind.
    /// </summary>
    /// <exception cref="IOException">The folder is a file or is not empty, or writing failed.</exception>
    /// <exception cref="InvalidOperationException">A list that is not a url list failed to load: its entries are unknown.</exception>
    public static RulesetWriteSummary Write(FirewallDefinition definition, string folder, IReadOnlyCollection<RemoteListSpecification>? remoteLists = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var remote = new Dictionary<string, RemoteListSpecification>(StringComparer.Ordinal);
        foreach (var list in remoteLists ?? [])
        {
            remote.TryAdd(list.Name, list);
        }

        EnsureNewOrEmpty(target);
        EnsureExportable(definition, remote);
        var parent = Path.GetDirectoryName(target) ?? throw new IOException($"cannot export into '{target}': it has no parent folder");
        Directory.CreateDirectory(parent);

        // A sibling, so the final rename stays on one file system; hidden, so whoever lists the parent
        // meanwhile does not take it for a finished export.
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.export-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var summary = WriteFolder(definition, staging, remote);

            // Not recursive: anything created in the target since the check makes this fail instead of being lost.
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(staging, target);
            return summary;
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    private static void EnsureExportable(FirewallDefinition definition, Dictionary<string, RemoteListSpecification> remote)
    {
        foreach (var list in definition.DomainLists)
        {
            // Writing what a failed list holds (usually nothing) would turn a network that fails closed
            // into one that lets those names through, silently.
            if (list.ManagedOwnerName is null && list.LoadFailure is { } failure && !remote.ContainsKey(list.Name))
            {
                throw new InvalidOperationException($"domain list '{list.Name}' did not load ({failure}); its entries are unknown, so it cannot be exported");
            }
        }
    }

    private static void EnsureNewOrEmpty(string target)
    {
        if (File.Exists(target))
        {
            throw new IOException($"cannot export into '{target}': it is a file; name a new or empty folder");
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"cannot export into '{target}': the folder is not empty; name a new or empty folder so nothing is overwritten");
        }
    }

    private static RulesetWriteSummary WriteFolder(FirewallDefinition definition, string folder, Dictionary<string, RemoteListSpecification> remote)
    {
        var document = new RulesetDocument();
        var fileNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int listFiles = 0, domains = 0, remoteCount = 0, managed = 0;
        foreach (var list in definition.DomainLists)
        {
            if (list.ManagedOwnerName is not null)
            {
                managed++;
                continue;
            }

            var entry = new DomainListEntry { Name = list.Name, Description = list.Description };
            if (remote.TryGetValue(list.Name, out var specification))
            {
                entry.Url = specification.Url.OriginalString;
                entry.RefreshInterval = specification.RefreshInterval == RemoteListSpecification.DefaultRefreshInterval ? null : IntervalText(specification.RefreshInterval);
                entry.Format = specification.Format == DomainListFormat.Auto ? null : FormatName(specification.Format);
                remoteCount++;
            }
            else
            {
                if (listFiles == 0)
                {
                    Directory.CreateDirectory(Path.Combine(folder, ListsFolderName));
                }

                var fileName = FileNameFor(list.Name, fileNames);
                domains += WriteList(list.Domains, Path.Combine(folder, ListsFolderName, fileName));
                entry.File = ListsFolderName + "/" + fileName;
                entry.Format = FormatName(DomainListFormat.Plain);
                listFiles++;
            }

            (document.DomainLists ??= []).Add(entry);
        }

        var rules = 0;
        foreach (var group in definition.RuleGroups)
        {
            (document.RuleGroups ??= []).Add(new RuleGroupEntry
            {
                Name = group.Name,
                Rules = [.. group.Rules.OrderBy(r => r.Priority).Select(RuleEntry.From)],
            });
            rules += group.Rules.Count;
        }

        foreach (var network in definition.Networks)
        {
            (document.Networks ??= []).Add(NetworkEntry.From(network));
        }

        using (var writer = new StreamWriter(Path.Combine(folder, FirewallFileName), append: false, Utf8NoBom) { NewLine = "\n" })
        {
            writer.WriteLine("# Written by `resolver export`. Domain lists are files under lists/, one domain per line, sorted.");
            writer.WriteLine("# The AWS managed lists are built into the resolver: rules name them, this folder does not hold them.");
            Serializer.Serialize(writer, document);
        }

        return new RulesetWriteSummary(listFiles, domains, remoteCount, managed, definition.RuleGroups.Count, rules, definition.Networks.Count);
    }

    /// <summary>Writes the entries sorted and without duplicates, so two exports of one list diff line by line.</summary>
    private static int WriteList(IReadOnlyCollection<DomainSpecification> domains, string path)
    {
        var entries = new List<string>(domains.Count);
        foreach (var domain in domains)
        {
            entries.Add(domain.ToString());
        }

        entries.Sort(StringComparer.Ordinal);
        using var writer = new StreamWriter(path, append: false, Utf8NoBom) { NewLine = "\n" };
        string? previous = null;
        var written = 0;
        foreach (var entry in entries)
        {
            if (entry != previous)
            {
                writer.WriteLine(entry);
                previous = entry;
                written++;
            }
        }

        return written;
    }

    /// <summary>
    /// A file name from the list name: letters, digits, '-', '_' and inner dots kept, anything else made '-'.
    /// A name that had to change, or that Windows reserves, gets a hash of the whole name, so names that
    /// sanitize alike stay apart and keep their file across exports; a clash left (names differing only in
    /// case) gets a counter.
    /// </summary>
    private static string FileNameFor(string listName, HashSet<string> used)
    {
        var builder = new StringBuilder(Math.Min(listName.Length, MaxFileStemLength));
        foreach (var c in listName.AsSpan(0, Math.Min(listName.Length, MaxFileStemLength)))
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        // No leading dot (hidden, or '..') or dash (read as an option by shell tools), no trailing dot.
        var stem = builder.ToString().TrimStart('.', '-').TrimEnd('.');

        // Windows reserves a device name whatever follows its first dot: NUL.list is no better than NUL.
        var reserved = ReservedFileNames.Contains(stem.Split('.')[0]);
        if (reserved)
        {
            stem = stem.Replace('.', '-');
        }

        if (reserved || stem != listName)
        {
            var hash = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(listName)).ToString("x8", CultureInfo.InvariantCulture);
            stem = stem.Length == 0 ? hash : stem + "-" + hash;
        }

        var fileName = stem + ".txt";
        for (var n = 2; !used.Add(fileName); n++)
        {
            fileName = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}.txt");
        }

        return fileName;
    }

    private static string IntervalText(TimeSpan interval)
    {
        var invariant = CultureInfo.InvariantCulture;
        foreach (var (unit, suffix) in new[] { (TimeSpan.TicksPerDay, 'd'), (TimeSpan.TicksPerHour, 'h'), (TimeSpan.TicksPerMinute, 'm'), (TimeSpan.TicksPerSecond, 's') })
        {
            if (interval.Ticks % unit == 0)
            {
                return string.Create(invariant, $"{interval.Ticks / unit}{suffix}");
            }
        }

        return interval.TotalSeconds.ToString("R", invariant) + "s";
    }

    private static string FormatName(DomainListFormat format) => format switch
    {
        DomainListFormat.Plain => "plain",
        DomainListFormat.Hosts => "hosts",
        DomainListFormat.Adblock => "adblock",
        DomainListFormat.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a domain list format"),
    };

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more than a leftover hidden folder.
        }
    }

    // The shapes of firewall.yaml. Property order is key order; null members are left out.
    private sealed class RulesetDocument
    {
        public List<DomainListEntry>? DomainLists { get; set; }

        public List<RuleGroupEntry>? RuleGroups { get; set; }

        public List<NetworkEntry>? Networks { get; set; }
    }

    private sealed class DomainListEntry
    {
        public string Name { get; set; } = string.Empty;

        public string? Description { get; set; }

        public string? File { get; set; }

        public string? Url { get; set; }

        public string? RefreshInterval { get; set; }

        public string? Format { get; set; }
    }

    private sealed class RuleGroupEntry
    {
        public string Name { get; set; } = string.Empty;

        public List<RuleEntry> Rules { get; set; } = [];
    }

    private sealed class RuleEntry
    {
        public string Name { get; set; } = string.Empty;

        public int Priority { get; set; }

        public string? DomainList { get; set; }

        public string? DnsThreatProtection { get; set; }

        public string? ConfidenceThreshold { get; set; }

        public string Action { get; set; } = string.Empty;

        public string? BlockResponse { get; set; }

        public string? BlockOverrideDomain { get; set; }

        public string? BlockOverrideDnsType { get; set; }

        public int? BlockOverrideTtl { get; set; }

        public string? Qtype { get; set; }

        public string? FirewallDomainRedirectionAction { get; set; }

        public static RuleEntry From(FirewallRule rule)
        {
            var isOverride = rule.BlockResponse == Model.BlockResponse.Override;
            return new RuleEntry
            {
                Name = rule.Name,
                Priority = rule.Priority,
                DomainList = rule.DomainListName,
                DnsThreatProtection = rule.ThreatProtection is { } protection ? ThreatProtectionNames.Name(protection) : null,
                ConfidenceThreshold = rule.ThreatProtection is null ? null : ThreatProtectionNames.Name(rule.ConfidenceThreshold),
                Action = rule.Action switch
                {
                    FirewallAction.Allow => "ALLOW",
                    FirewallAction.Alert => "ALERT",
                    FirewallAction.Block => "BLOCK",
                    _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Action, $"rule '{rule.Name}' has no valid action"),
                },
                BlockResponse = rule.BlockResponse switch
                {
                    null => null,
                    Model.BlockResponse.NoData => "NODATA",
                    Model.BlockResponse.NxDomain => "NXDOMAIN",
                    Model.BlockResponse.Override => "OVERRIDE",
                    _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.BlockResponse, $"rule '{rule.Name}' has no valid blockResponse"),
                },
                BlockOverrideDomain = isOverride ? rule.BlockOverrideDomain : null,
                BlockOverrideDnsType = isOverride ? "CNAME" : null,
                BlockOverrideTtl = isOverride ? rule.BlockOverrideTtl : null,
                Qtype = rule.Qtype == 0 ? null : QueryTypes.Name(rule.Qtype),

                // Left out when it is the default, as AWS's own exports do.
                FirewallDomainRedirectionAction = rule.Redirection switch
                {
                    RedirectionAction.InspectRedirectionDomain => null,
                    RedirectionAction.TrustRedirectionDomain => "TRUST_REDIRECTION_DOMAIN",
                    _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Redirection, $"rule '{rule.Name}' has no valid firewallDomainRedirectionAction"),
                },
            };
        }
    }

    private sealed class NetworkEntry
    {
        public string Name { get; set; } = string.Empty;

        public List<string>? Cidrs { get; set; }

        public bool FailOpen { get; set; }

        public List<AssociationEntry>? RuleGroupAssociations { get; set; }

        public static NetworkEntry From(FirewallNetwork network) => new()
        {
            Name = network.Name,

            // Only the default network may go without cidrs; any other keeps an explicit (empty) list.
            Cidrs = network.Cidrs.Count == 0 && network.Name == FirewallNetwork.DefaultName ? null : [.. network.Cidrs.Select(c => c.ToString())],
            FailOpen = network.FailOpen,
            RuleGroupAssociations = network.Associations.Count == 0
                ? null
                : [.. network.Associations.OrderBy(a => a.Priority).Select(a => new AssociationEntry { RuleGroup = a.RuleGroupName, Priority = a.Priority })],
        };
    }

    private sealed class AssociationEntry
    {
        public string RuleGroup { get; set; } = string.Empty;

        public int Priority { get; set; }
    }
}
