namespace Resolver.Firewall.Managed;

/// <summary>
/// Recognises the test names of the managed lists
/// (<c>controldomain{1,2,3}.{malwarelist|botnetlist|aggregatelist}.firewall.route53resolver.REGION.amazonaws.com</c>),
/// which Route 53 answers with 1.2.3.4 when no rule blocks them.
/// </summary>
public static class ManagedTestDomains
{
    public static ReadOnlySpan<byte> Address => [1, 2, 3, 4];

    private static ReadOnlySpan<byte> Suffix => "\u0009amazonaws\u0003com\0"u8;

    private static ReadOnlySpan<byte> Middle => "\u0008firewall\u000froute53resolver"u8;

    /// <summary>True when <paramref name="lowerWireName"/> (lower-case wire form) is one of the test names.</summary>
    public static bool IsTestDomain(ReadOnlySpan<byte> lowerWireName)
    {
        // controldomainN: 14 characters.
        if (lowerWireName.Length < 60 || lowerWireName[0] != 14
            || !lowerWireName[1..14].SequenceEqual("controldomain"u8) || lowerWireName[14] is not ((byte)'1' or (byte)'2' or (byte)'3'))
        {
            return false;
        }

        var rest = lowerWireName[15..];
        var listLength = rest[0];
        if (listLength + 1 >= rest.Length)
        {
            return false;
        }

        var list = rest.Slice(1, listLength);
        if (!list.SequenceEqual("malwarelist"u8) && !list.SequenceEqual("botnetlist"u8) && !list.SequenceEqual("aggregatelist"u8))
        {
            return false;
        }

        rest = rest[(listLength + 1)..];
        if (!rest.StartsWith(Middle))
        {
            return false;
        }

        rest = rest[Middle.Length..];
        var regionLength = rest[0];
        return regionLength > 0 && rest.Length == 1 + regionLength + Suffix.Length && rest[(1 + regionLength)..].SequenceEqual(Suffix);
    }
}
