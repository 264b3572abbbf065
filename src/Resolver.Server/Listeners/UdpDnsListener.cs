using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Listeners;

/// <summary>
/// Serves DNS over UDP on one address with several receive loops. On Linux each loop has its own
/// SO_REUSEPORT socket so the kernel spreads clients over them without a shared queue; elsewhere the
/// loops share one socket.
/// </summary>
public sealed class UdpDnsListener : IDisposable
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    private readonly UdpListenerSocket[] _sockets;
    private readonly List<Thread> _loops = [];

    private UdpDnsListener(IPEndPoint boundEndPoint, UdpListenerSocket[] sockets)
    {
        LocalEndPoint = boundEndPoint;
        _sockets = sockets;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>
    /// Binds <paramref name="loops"/> SO_REUSEPORT sockets to a fixed port. Port 0 gets one socket shared by
    /// the loops: asked for port 0 with SO_REUSEPORT set, Linux may hand out a port that another reuseport
    /// group of the same user already holds, and the two servers would then split each other's queries.
    /// </summary>
    /// <remarks>
    /// <paramref name="receiveBatchSize"/> above 1 makes each Linux loop take up to that many datagrams per
    /// recvmmsg and send their synchronous answers with one sendmmsg.
    /// </remarks>
    public static UdpDnsListener Bind(IPEndPoint endPoint, int loops, int receiveBufferBytes, int receiveBatchSize, QueryPipeline pipeline, ILogger logger)
    {
        var reusePort = OperatingSystem.IsLinux() && endPoint.Port != 0;
        var socketCount = reusePort ? loops : 1;
        var sockets = new List<Socket>(socketCount);
        try
        {
            var bound = endPoint;
            for (var i = 0; i < socketCount; i++)
            {
                var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                if (reusePort)
                {
                    Span<byte> one = [1, 0, 0, 0];
                    socket.SetRawSocketOption(SolSocket, SoReusePort, one);
                }

                TrySetReceiveBuffer(socket, receiveBufferBytes);
                socket.Bind(bound);
                bound = (IPEndPoint)socket.LocalEndPoint!;
            }

            var listenerSockets = new UdpListenerSocket[sockets.Count];
            for (var i = 0; i < sockets.Count; i++)
            {
                listenerSockets[i] = new UdpListenerSocket(sockets[i], pipeline, logger, receiveBatchSize);
            }

            var listener = new UdpDnsListener(bound, listenerSockets);
            for (var loop = 0; loop < loops; loop++)
            {
                var socket = listenerSockets[loop % listenerSockets.Length];
                var thread = new Thread(socket.ReceiveLoop) { IsBackground = true, Name = $"dns-udp-{bound.Port}-{loop}" };
                listener._loops.Add(thread);
                thread.Start();
            }

            return listener;
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            throw;
        }
    }

    public long SendErrors
    {
        get
        {
            long total = 0;
            foreach (var socket in _sockets)
            {
                total += Interlocked.Read(ref socket.SendErrors);
            }

            return total;
        }
    }

    /// <summary>Stops receiving; the sockets stay open so that queries in flight can still be answered.</summary>
    public Task StopReceivingAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.StopReceiving();
        }

        return Task.Run(() =>
        {
            foreach (var thread in _loops)
            {
                thread.Join(TimeSpan.FromSeconds(5));
            }
        });
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.StopReceiving();
            socket.Dispose();
        }
    }

    private static void TrySetReceiveBuffer(Socket socket, int bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        try
        {
            socket.ReceiveBufferSize = bytes;
        }
        catch (SocketException)
        {
            // The kernel's limit applies; the default buffer still works.
        }
    }
}
