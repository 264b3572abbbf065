namespace Resolver.Api;

/// <summary>The management API's settings (section <c>Api</c>); the API is off unless <see cref="Listen"/> is set.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Resolver:Api";

    /// <summary>Address and port of the HTTP endpoint, e.g. <c>127.0.0.1:8053</c>; empty turns the API off.</summary>
    public string? Listen { get; set; }

    /// <summary>Regions a request may be signed for; empty allows any.</summary>
    public IList<string> Regions { get; } = [];

    /// <summary>How far a request's signing time may be from the clock (AWS allows 5 minutes).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The access keys requests may be signed with.</summary>
    public IList<ApiAccessKey> AccessKeys { get; } = [];

    /// <summary>Shown as the owner account in ARNs and <c>OwnerId</c>.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Shown in ARNs when a request's region is not known.</summary>
    public string Region { get; set; } = "us-east-1";
}
