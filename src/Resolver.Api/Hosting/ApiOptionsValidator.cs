using System.Net;
using Microsoft.Extensions.Options;

namespace Resolver.Api.Hosting;

/// <summary>Checks the API settings at start, naming each bad setting as the operator wrote it.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Listen) && !IPEndPoint.TryParse(options.Listen, out _))
        {
            errors.Add($"Resolver:Api:Listen (--api-listen) '{options.Listen}' is not an ADDRESS:PORT such as 127.0.0.1:8053");
        }

        if (options.ClockSkew <= TimeSpan.Zero || options.ClockSkew > TimeSpan.FromHours(1))
        {
            errors.Add("Resolver:Api:ClockSkew must be more than 0 and at most 01:00:00");
        }

        if (options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit))
        {
            errors.Add($"Resolver:Api:AccountId '{options.AccountId}' must be 12 digits");
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            errors.Add("Resolver:Api:Region must name a region");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
