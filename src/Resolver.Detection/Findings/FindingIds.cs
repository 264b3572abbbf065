using System.Security.Cryptography;
using System.Text;

namespace Resolver.Detection.Findings;

/// <summary>
/// Finding ids that stay the same for the same behaviour (type, resource and what it did), so repeats, within
/// a run or across runs, update one finding instead of raising new ones.
/// </summary>
public static class FindingIds
{
    /// <summary>32 hex digits, as GuardDuty's ids, from a hash of the type and the parts that name the behaviour.</summary>
    public static string Create(string type, params ReadOnlySpan<string?> parts)
    {
        var text = new StringBuilder(type);
        foreach (var part in parts)
        {
            // A separator that cannot occur in the parts keeps ("a b", "c") apart from ("a", "b c").
            text.Append('\u001f').Append(part);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    public static string Arn(string region, string accountId, string detectorId, string findingId) =>
        $"arn:aws:guardduty:{region}:{accountId}:detector/{detectorId}/finding/{findingId}";

    /// <summary>A detector id for a deployment that did not name one: stable for its account and region.</summary>
    public static string DefaultDetectorId(string accountId, string region) => Create("detector", accountId, region);
}
