namespace Resolver.Api.Authentication;

/// <summary>One <c>name=value</c> pair of a query string, still percent-encoded as sent.</summary>
internal readonly record struct QueryParameter(string RawName, string RawValue);
