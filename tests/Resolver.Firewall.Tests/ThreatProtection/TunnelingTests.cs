using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.ThreatProtection;

public sealed class TunnelingTests
{
    private const ushort A = 1;
    private const ushort Aaaa = 28;
    private const ushort Txt = 16;

    [Fact]
    public void A_base32_tunnel_of_hundreds_of_unique_txt_queries_within_seconds_reaches_high()
    {
        var time = new ManualTimeProvider();
        var detector = new ThreatDetector(ThreatTestData.Suffixes, time: time);
        var random = new Random(1);
        var seen = new List<ThreatConfidence>();
        for (var i = 0; i < 400; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            var name = $"{Encoded(random, 60, "abcdefghijklmnopqrstuvwxyz234567")}.{Encoded(random, 40, "abcdefghijklmnopqrstuvwxyz234567")}.t.tunnel-example.com";
            seen.Add(detector.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire(name), i % 4 == 0 ? A : Txt));
        }

        Assert.Equal(ThreatConfidence.High, seen[^1]);
        Assert.Contains(ThreatConfidence.Medium, seen);
        Assert.True(seen.IndexOf(ThreatConfidence.High) < 250, $"HIGH first at query {seen.IndexOf(ThreatConfidence.High)}");
    }

    [Fact]
    public void A_hex_tunnel_over_a_queries_reaches_high_too()
    {
        var time = new ManualTimeProvider();
        var detector = new ThreatDetector(ThreatTestData.Suffixes, time: time);
        var random = new Random(2);
        var last = ThreatConfidence.None;
        for (var i = 0; i < 500; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            last = detector.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire($"{Encoded(random, 48, "0123456789abcdef")}.{i}.exfil.example.net"), A);
        }

        Assert.Equal(ThreatConfidence.High, last);
    }

    [Fact]
    public void Cdn_like_traffic_stays_none_or_low()
    {
        var time = new ManualTimeProvider();
        var detector = new ThreatDetector(ThreatTestData.Suffixes, time: time);
        var random = new Random(3);
        var worst = ThreatConfidence.None;
        string[] repeated = ["www.example.com", "static.example.com", "api.example.com", "img.example.com"];
        for (var i = 0; i < 20_000; i++)
        {
            // 50 queries a second for 400 seconds: a few repeated names, short hashed CDN names, cloud hosts.
            time.Advance(TimeSpan.FromMilliseconds(20));
            var name = (i % 5) switch
            {
                0 => repeated[random.Next(repeated.Length)],
                1 => $"e{random.Next(1000, 99999)}.dscb.akamaiedge.net",
                2 => $"d{Encoded(random, 13, "abcdefghijklmnopqrstuvwxyz0123456789")}.cloudfront.net",
                3 => $"{Encoded(random, 12, "0123456789abcdef")}.cdn.example-hash.net",
                _ => $"ec2-{random.Next(256)}-{random.Next(256)}-{random.Next(256)}-{random.Next(256)}.eu-west-1.compute.amazonaws.com",
            };
            var confidence = detector.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire(name), i % 2 == 0 ? A : Aaaa);
            worst = confidence > worst ? confidence : worst;
        }

        Assert.True(worst <= ThreatConfidence.Low, $"worst {worst}");
    }

    [Fact]
    public void State_fades_after_the_window()
    {
        var time = new ManualTimeProvider();
        var detector = new ThreatDetector(ThreatTestData.Suffixes, new TunnelingOptions { Window = TimeSpan.FromSeconds(10) }, time);
        var random = new Random(4);
        for (var i = 0; i < 400; i++)
        {
            detector.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire($"{Encoded(random, 60, "abcdefghijklmnopqrstuvwxyz234567")}.tunnel-example.com"), Txt);
        }

        time.Advance(TimeSpan.FromSeconds(25));
        var after = detector.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire($"{Encoded(random, 60, "abcdefghijklmnopqrstuvwxyz234567")}.tunnel-example.com"), Txt);
        Assert.Equal(ThreatConfidence.None, after);
    }

    [Fact]
    public void A_million_distinct_parents_leave_the_table_size_unchanged_and_allocate_nothing()
    {
        var time = new ManualTimeProvider();
        var detector = new ThreatDetector(ThreatTestData.Suffixes, new TunnelingOptions { Slots = 4096 }, time);
        var slots = detector.TunnelingSlots;
        var name = ThreatTestData.Wire("abcdefghijklmnop.parent0000000.com");

        // Warm up every path (claims, evictions, window rolls) so tiered compilation is done before measuring.
        FeedDistinctParents(detector, name, 0, 200_000);
        time.Advance(TimeSpan.FromMinutes(5));
        FeedDistinctParents(detector, name, 0, 200_000);
        // Ten chunks: a per-query allocation shows in every chunk, the runtime's one-off work in one at most.
        var chunks = new long[10];
        for (var chunk = 0; chunk < chunks.Length; chunk++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            FeedDistinctParents(detector, name, 200_000 + (chunk * 100_000), 100_000);
            chunks[chunk] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(chunks.Count(bytes => bytes > 0) <= 1 && chunks.Max() < 16 * 1024, $"allocated per chunk: {string.Join(", ", chunks)}");
        Assert.Equal(4096, slots);
        Assert.Equal(slots, detector.TunnelingSlots);
    }

    private static void FeedDistinctParents(ThreatDetector detector, byte[] name, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            // Rewrite the parent label's digits in place: a new parent every query.
            var value = i;
            for (var p = 30; p >= 24; p--, value /= 10)
            {
                name[p] = (byte)('0' + (value % 10));
            }

            detector.Score(DnsThreatProtection.DnsTunneling, name, A);
        }
    }

    [Fact]
    public void Concurrent_callers_get_valid_confidences()
    {
        var detector = new ThreatDetector(ThreatTestData.Suffixes, new TunnelingOptions { Slots = 16 });
        var results = new int[4];
        Parallel.For(0, 4, worker =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 50_000; i++)
            {
                var name = ThreatTestData.Wire($"{Encoded(random, 30, "abcdefghij0123456789")}.p{random.Next(64)}.com");
                var confidence = detector.Score(DnsThreatProtection.DnsTunneling, name, Txt);
                Assert.InRange((int)confidence, 0, 3);
                results[worker] |= 1 << (int)confidence;
            }
        });
        Assert.All(results, r => Assert.NotEqual(0, r));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThreatDetector(ThreatTestData.Suffixes, new TunnelingOptions { Slots = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThreatDetector(ThreatTestData.Suffixes, new TunnelingOptions { LowDistinct = 50, MediumDistinct = 10 }));
    }

    /// <summary>Scenario, queries, first query at LOW/MEDIUM/HIGH, worst and last confidence: the table of docs/threat-protection.md.</summary>
    internal static string Report()
    {
        const string base32 = "abcdefghijklmnopqrstuvwxyz234567";
        var scenarios = new (string Name, int Queries, int IntervalMs, Func<Random, int, (string Name, ushort Type)> Query)[]
        {
            ("base32 tunnel, 100 chars a query, 3/4 TXT, 100 q/s", 400, 10, (r, i) => ($"{Encoded(r, 60, base32)}.{Encoded(r, 40, base32)}.t.tunnel-example.com", i % 4 == 0 ? A : Txt)),
            ("hex tunnel, 48 chars, A only, 50 q/s", 500, 20, (r, i) => ($"{Encoded(r, 48, "0123456789abcdef")}.{i}.exfil.example.net", A)),
            ("slow base32 tunnel, 40 chars, TXT, 2 q/s", 400, 500, (r, i) => ($"{Encoded(r, 40, base32)}.slow-tunnel.example", Txt)),
            ("4 repeated names of one site, A/AAAA, 50 q/s", 20_000, 20, (r, i) => ($"{new[] { "www", "api", "img", "static" }[r.Next(4)]}.example.com", i % 2 == 0 ? A : Aaaa)),
            ("akamaiedge e12345.x names, 50 q/s", 20_000, 20, (r, i) => ($"e{r.Next(1000, 99999)}.dscb.akamaiedge.net", A)),
            ("12-hex-char names of one CDN parent, 50 q/s", 20_000, 20, (r, i) => ($"{Encoded(r, 12, "0123456789abcdef")}.cdn.example-hash.net", A)),
            ("EC2 host names, 50 q/s", 20_000, 20, (r, i) => ($"ec2-{r.Next(256)}-{r.Next(256)}-{r.Next(256)}-{r.Next(256)}.eu-west-1.compute.amazonaws.com", A)),
        };
        var text = new System.Text.StringBuilder();
        text.AppendLine("| scenario | queries | first LOW | first MEDIUM | first HIGH | worst | last |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (name, queries, interval, query) in scenarios)
        {
            var time = new ManualTimeProvider();
            var detector = new ThreatDetector(ThreatTestData.Suffixes, time: time);
            var random = new Random(7);
            var first = new int[4];
            var worst = ThreatConfidence.None;
            var last = ThreatConfidence.None;
            for (var i = 0; i < queries; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(interval));
                var (qname, type) = query(random, i);
                last = detector.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire(qname), type);
                for (var level = 1; level <= (int)last; level++)
                {
                    first[level] = first[level] == 0 ? i + 1 : first[level];
                }

                worst = last > worst ? last : worst;
            }

            string At(int level) => first[level] == 0 ? "-" : first[level].ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"| {name} | {queries} | {At(1)} | {At(2)} | {At(3)} | {worst} | {last} |");
        }

        return text.ToString();
    }

    private static string Encoded(Random random, int length, string alphabet)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
