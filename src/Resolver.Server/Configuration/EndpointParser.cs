using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Resolver.Server.Configuration;

/// <summary>Parses <c>ADDR</c>, <c>ADDR:PORT</c>, <c>[V6]</c> and <c>[V6]:PORT</c>; a bare IPv6 address takes the default port.</summary>
public static class EndpointParser
{
    public static bool TryParse(string text, int defaultPort, [NotNullWhen(true)] out IPEndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        error = null;
        var value = text.Trim();
        string host;
        var port = defaultPort;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{text}': missing ']' after the IPv6 address";
                return false;
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !TryParsePort(rest[1..], out port)))
            {
                error = $"'{text}': expected ']:PORT' with PORT 0-65535";
                return false;
            }
        }
        else if (value.Count(c => c == ':') == 1)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            host = value[..colon];
            if (!TryParsePort(value[(colon + 1)..], out port))
            {
                error = $"'{text}': the port must be a number 0-65535";
                return false;
            }
        }
        else
        {
            host = value;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            error = $"'{text}': '{host}' is not an IP address (host names are not resolved here)";
            return false;
        }

        // IPAddress accepts the legacy short forms ("53" is 0.0.0.53, "127.1" is 127.0.0.1): a typo such as
        // "--upstream 53" must be an error, not a silent forward to 0.0.0.53.
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Count(c => c == '.') != 3)
        {
            error = $"'{text}': '{host}' is not a dotted-quad IPv4 address (like 192.0.2.53)";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort;
}
