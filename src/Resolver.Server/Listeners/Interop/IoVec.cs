namespace Resolver.Server.Listeners.Interop;

/// <summary>Linux <c>struct iovec</c> (16 bytes on 64-bit): one buffer of a scatter/gather list.</summary>
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}
