using System.Globalization;
using System.Text;

namespace Resolver.Api.Protocol;

/// <summary>MaxResults and NextToken paging over a list that keeps its order between calls.</summary>
public static class Pagination
{
    private const string TokenPrefix = "offset:";

    /// <summary>The page asked for, and the token of the next one (null on the last page).</summary>
    public static (List<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> items, ApiRequest request, int maxLimit, int minLimit = 1)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(request);
        var max = request.Integer("MaxResults", min: minLimit, max: maxLimit) ?? maxLimit;
        var start = 0;
        if (request.String("NextToken") is { } token)
        {
            start = Decode(token);
            if (start > items.Count)
            {
                throw ApiException.InvalidNextToken();
            }
        }

        var end = Math.Min(items.Count, start + max);
        var page = new List<T>(end - start);
        for (var i = start; i < end; i++)
        {
            page.Add(items[i]);
        }

        return (page, end < items.Count ? Encode(end) : null);
    }

    private static string Encode(int offset) => Convert.ToBase64String(Encoding.ASCII.GetBytes(TokenPrefix + offset.ToString(CultureInfo.InvariantCulture)));

    private static int Decode(string token)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            if (text.StartsWith(TokenPrefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(TokenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
            // Falls through to the service's error.
        }

        throw ApiException.InvalidNextToken();
    }
}
