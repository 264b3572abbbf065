namespace Resolver.Firewall.Rulesets;

/// <summary>What <see cref="RulesetWriter.Write"/> put in the folder.</summary>
/// <param name="ListFiles">Domain lists written as files under <c>lists/</c>.</param>
/// <param name="Domains">Entries in those files, after duplicates were dropped.</param>
/// <param name="RemoteLists">Domain lists written as <c>url</c> entries, downloaded again by the server.</param>
/// <param name="ManagedLists">Managed lists left out because they are built in; rules still name them.</param>
public sealed record RulesetWriteSummary(int ListFiles, int Domains, int RemoteLists, int ManagedLists, int RuleGroups, int Rules, int Networks);
