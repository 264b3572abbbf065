using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Resolver.Api.Protocol;

/// <summary>
/// The members of a request body, read with the constraints of the service model; a violation is the
/// ValidationException AWS gives (<c>1 validation error detected: Value ... at '...' failed to satisfy
/// constraint: ...</c>).
/// </summary>
public sealed partial class ApiRequest
{
    private readonly JsonElement _body;

    public ApiRequest(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ApiException("SerializationException", "The request body must be a JSON object.");
        }

        _body = body;
    }

    public string? String(string member, bool required = false, int min = 1, int max = int.MaxValue)
    {
        if (!_body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw NullValue(member) : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ApiException("SerializationException", $"Member {member} must be a string.");
        }

        var text = value.GetString()!;
        if (text.Length < min)
        {
            throw Constraint(text, member, $"Member must have length greater than or equal to {min}");
        }

        if (text.Length > max)
        {
            throw Constraint(text, member, $"Member must have length less than or equal to {max}");
        }

        return text;
    }

    /// <summary>A resource name: 1-64 characters of letters, digits, space, hyphen, underscore and apostrophe, not all digits.</summary>
    public string? Name(string member = "Name", bool required = false)
    {
        var name = String(member, required, min: 1, max: 64);
        if (name is not null && !NamePattern().IsMatch(name))
        {
            throw Constraint(name, member, "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9\\-_' ']+)");
        }

        return name;
    }

    public int? Integer(string member, bool required = false, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!_body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw NullValue(member) : null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new ApiException("SerializationException", $"Member {member} must be an integer.");
        }

        if (number < min)
        {
            throw Constraint(number.ToString(CultureInfo.InvariantCulture), member, $"Member must have value greater than or equal to {min}");
        }

        if (number > max)
        {
            throw Constraint(number.ToString(CultureInfo.InvariantCulture), member, $"Member must have value less than or equal to {max}");
        }

        return number;
    }

    public string? Enum(string member, bool required, params string[] allowed)
    {
        var value = String(member, required);
        if (value is not null && Array.IndexOf(allowed, value) < 0)
        {
            throw Constraint(value, member, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }

        return value;
    }

    public IReadOnlyList<string>? StringList(string member, bool required = false, int itemMin = 1, int itemMax = int.MaxValue)
    {
        if (!_body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw NullValue(member) : null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ApiException("SerializationException", $"Member {member} must be a list.");
        }

        var items = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new ApiException("SerializationException", $"Member {member} must be a list of strings.");
            }

            var text = item.GetString()!;
            if (text.Length < itemMin || text.Length > itemMax)
            {
                throw Constraint(text, member, $"Member must satisfy constraint: [Member must have length less than or equal to {itemMax}, Member must have length greater than or equal to {itemMin}]");
            }

            items.Add(text);
        }

        return items;
    }

    private static ApiException NullValue(string member) =>
        ApiException.Validation($"1 validation error detected: Value null at '{Camel(member)}' failed to satisfy constraint: Member must not be null");

    private static ApiException Constraint(string value, string member, string constraint) =>
        ApiException.Validation($"1 validation error detected: Value '{value}' at '{Camel(member)}' failed to satisfy constraint: {constraint}");

    private static string Camel(string member) => char.ToLowerInvariant(member[0]) + member[1..];

    [GeneratedRegex("^(?!^[0-9]+$)([a-zA-Z0-9\\-_' ']+)$")]
    private static partial Regex NamePattern();
}
