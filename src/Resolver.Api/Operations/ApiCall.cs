using Resolver.Api.Protocol;

namespace Resolver.Api.Operations;

/// <summary>One operation call: its members and the region the request was signed for (ARNs name it).</summary>
public sealed record ApiCall(ApiRequest Request, string Region);
