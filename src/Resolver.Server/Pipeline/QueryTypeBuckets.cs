namespace Resolver.Server.Pipeline;

/// <summary>
/// The query types counted one by one in the metrics; every other type shares the last bucket, so a
/// client sending random types cannot make the metrics grow.
/// </summary>
public static class QueryTypeBuckets
{
    private static readonly (ushort Type, string Name)[] Known =
    [
        (1, "A"), (2, "NS"), (5, "CNAME"), (6, "SOA"), (12, "PTR"), (15, "MX"), (16, "TXT"), (28, "AAAA"),
        (33, "SRV"), (35, "NAPTR"), (43, "DS"), (48, "DNSKEY"), (64, "SVCB"), (65, "HTTPS"), (255, "ANY"), (257, "CAA"),
    ];

    private static readonly byte[] BucketOfType = BuildIndex();

    /// <summary>Known types plus one bucket for the rest.</summary>
    public static int Count => Known.Length + 1;

    public static string Name(int bucket) => bucket < Known.Length ? Known[bucket].Name : "other";

    public static int Of(ushort qtype) => qtype < BucketOfType.Length ? BucketOfType[qtype] : Known.Length;

    private static byte[] BuildIndex()
    {
        var index = new byte[258];
        Array.Fill(index, (byte)Known.Length);
        for (var i = 0; i < Known.Length; i++)
        {
            index[Known[i].Type] = (byte)i;
        }

        return index;
    }
}
