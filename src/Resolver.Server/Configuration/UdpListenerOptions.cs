namespace Resolver.Server.Configuration;

public sealed class UdpListenerOptions
{
    /// <summary>Receive loops (one SO_REUSEPORT socket each on Linux) per listen address; 0 means one per core.</summary>
    public int ReceiveLoops { get; set; }

    /// <summary>
    /// Cap on UDP answers and the payload size we advertise (the DNS flag day 2020 value): a larger
    /// answer is truncated so the client retries over TCP, which also keeps us from amplifying.
    /// </summary>
    public int MaxResponseSize { get; set; } = 1232;

    /// <summary>Requested SO_RCVBUF; the kernel may cap it (net.core.rmem_max).</summary>
    public int SocketReceiveBufferBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Datagrams one receive call may take on Linux (recvmmsg), whose synchronous answers leave with one
    /// sendmmsg; 1 receives and sends one packet per call as on other systems.
    /// </summary>
    public int ReceiveBatchSize { get; set; } = 32;

    public int EffectiveReceiveLoops => ReceiveLoops > 0 ? ReceiveLoops : Environment.ProcessorCount;
}
