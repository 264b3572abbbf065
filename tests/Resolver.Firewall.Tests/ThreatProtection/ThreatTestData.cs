using System.Text;
using Resolver.Firewall.Matching;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.ThreatProtection;

/// <summary>The detector, benign names and wire encoding shared by the threat protection tests.</summary>
internal static class ThreatTestData
{
    private static readonly Lazy<PublicSuffixList> SuffixList = new(() =>
    {
        // CI installs Debian's publicsuffix package; the measured figures assume the real list.
        Assert.True(File.Exists(PublicSuffixList.DefaultPath), $"{PublicSuffixList.DefaultPath} is missing: apt-get install publicsuffix");
        return PublicSuffixList.Load(PublicSuffixList.DefaultPath);
    });

    private static readonly Lazy<ThreatDetector> SharedDetector = new(() => new ThreatDetector(Suffixes));

    public static PublicSuffixList Suffixes => SuffixList.Value;

    /// <summary>A detector for the lexical scores (its tunnelling state is not used by them).</summary>
    public static ThreatDetector Detector => SharedDetector.Value;

    /// <summary>The hand-written well-known domains of benign-domains.txt.</summary>
    public static List<string> WellKnownDomains()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ThreatProtection", "benign-domains.txt");
        return File.ReadLines(path)
            .Where(line => !line.StartsWith('#'))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// Realistic machine-made names of real services: CloudFront distributions, S3 buckets, EC2 hosts,
    /// Heroku apps, GitHub Pages, Akamai edges, and ordinary subdomains of the well-known domains.
    /// </summary>
    public static List<string> GeneratedBenignNames(int count)
    {
        var random = new Random(53);
        var known = WellKnownDomains();
        string[] words = ["assets", "static", "media", "backup", "logs", "prod", "staging", "web", "data", "images", "uploads", "reports", "shop", "team", "cloud", "blue", "sunny", "river", "falcon", "maple"];
        string[] hosts = ["www", "api", "cdn", "static", "mail", "login", "auth", "img", "m", "app", "edge-01", "eu-west-1", "us1", "status", "docs"];
        string[] regions = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2"];
        const string base32 = "abcdefghijklmnopqrstuvwxyz0123456789";
        var names = new List<string>(count);
        while (names.Count < count)
        {
            var word = words[random.Next(words.Length)];
            var other = words[random.Next(words.Length)];
            names.Add((names.Count % 7) switch
            {
                0 => $"d{new string(Enumerable.Range(0, 13).Select(_ => base32[random.Next(base32.Length)]).ToArray())}.cloudfront.net",
                1 => $"{word}-{other}-{random.Next(100, 999)}.s3.{regions[random.Next(regions.Length)]}.amazonaws.com",
                2 => $"ec2-{random.Next(3, 60)}-{random.Next(256)}-{random.Next(256)}-{random.Next(256)}.{regions[random.Next(regions.Length)]}.compute.amazonaws.com",
                3 => $"{word}-{other}-{random.Next(10000, 99999)}.herokuapp.com",
                4 => $"{word}{other}.github.io",
                5 => $"e{random.Next(1000, 99999)}.{(char)('a' + random.Next(26))}.akamaiedge.net",
                _ => $"{hosts[random.Next(hosts.Length)]}.{known[random.Next(known.Count)]}",
            });
        }

        return names;
    }

    public static byte[] Wire(string name)
    {
        var buffer = new byte[256];
        return buffer[..DomainIndexBuilder.Encode(name.ToLowerInvariant(), buffer)];
    }

    public static string Registrable(string name)
    {
        var wire = Wire(name);
        var offset = Suffixes.RegistrableDomainOffset(wire);
        return offset < 0 ? "" : Encoding.ASCII.GetString(wire, offset + 1, wire[offset]);
    }
}
