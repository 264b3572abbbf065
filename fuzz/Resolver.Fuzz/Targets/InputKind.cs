namespace Resolver.Fuzz.Targets;

public enum InputKind
{
    /// <summary>A DNS message: bit, byte, label-length and compression-pointer mutations.</summary>
    DnsMessage,

    /// <summary>UTF-8 text: line and token mutations.</summary>
    Text,
}
