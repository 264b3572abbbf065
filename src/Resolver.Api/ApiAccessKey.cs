namespace Resolver.Api;

/// <summary>An access key id and its secret, as an AWS client is configured with.</summary>
public sealed class ApiAccessKey
{
    public string AccessKeyId { get; set; } = "";

    public string SecretAccessKey { get; set; } = "";
}
