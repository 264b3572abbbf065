using System.Net;
using System.Net.Sockets;

namespace Resolver.Server.Firewall;

/// <summary>Reads a client's address out of a <see cref="SocketAddress"/> without creating an <see cref="IPAddress"/>.</summary>
internal static class ClientAddresses
{
    private const int IPv4Offset = 4;
    private const int IPv6Offset = 8;

    /// <summary>Writes the address as 16 bytes, IPv4 mapped into IPv6 (<c>::ffff:a.b.c.d</c>).</summary>
    public static void WriteMapped(SocketAddress address, Span<byte> destination)
    {
        var bytes = address.Buffer.Span;
        if (address.Family == AddressFamily.InterNetwork)
        {
            destination[..10].Clear();
            destination[10] = 0xFF;
            destination[11] = 0xFF;
            bytes.Slice(IPv4Offset, 4).CopyTo(destination[12..]);
        }
        else
        {
            bytes.Slice(IPv6Offset, 16).CopyTo(destination);
        }
    }

    /// <summary>The address and port as text, for the rare log line (allocates).</summary>
    public static string ToText(SocketAddress address)
    {
        var template = address.Family == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        return template.Create(address).ToString() ?? string.Empty;
    }
}
