using System.Text;
using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

/// <summary>Copies of a signed request with one thing changed after signing, as a tamperer would.</summary>
internal static class RequestEdits
{
    /// <summary>Sets every field named <paramref name="name"/> (any case) to <paramref name="value"/>, or adds one.</summary>
    public static SigV4Request WithHeader(this SigV4Request request, string name, string value)
    {
        var headers = request.Headers.ToList();
        var found = false;
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                headers[i] = new(headers[i].Key, value);
                found = true;
            }
        }

        if (!found)
        {
            headers.Add(new(name, value));
        }

        return Copy(request, headers);
    }

    public static SigV4Request WithoutHeader(this SigV4Request request, string name) =>
        Copy(request, request.Headers.Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).ToList());

    public static SigV4Request WithAddedHeader(this SigV4Request request, string name, string value) =>
        Copy(request, [.. request.Headers, new(name, value)]);

    public static SigV4Request WithBody(this SigV4Request request, string body) =>
        new() { Method = request.Method, Path = request.Path, Query = request.Query, Headers = request.Headers, Body = Encoding.UTF8.GetBytes(body) };

    public static SigV4Request WithPath(this SigV4Request request, string path, string query = "") =>
        new() { Method = request.Method, Path = path, Query = query, Headers = request.Headers, Body = request.Body };

    public static SigV4Request WithMethod(this SigV4Request request, string method) =>
        new() { Method = method, Path = request.Path, Query = request.Query, Headers = request.Headers, Body = request.Body };

    public static string Header(this SigV4Request request, string name) =>
        request.Headers.Single(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static SigV4Request Copy(SigV4Request request, List<KeyValuePair<string, string>> headers) =>
        new() { Method = request.Method, Path = request.Path, Query = request.Query, Headers = headers, Body = request.Body };
}
