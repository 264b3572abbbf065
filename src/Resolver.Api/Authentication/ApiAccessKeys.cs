namespace Resolver.Api.Authentication;

/// <summary>Collects the access keys the API accepts: those configured under <c>Api:AccessKeys</c> plus one from the environment.</summary>
public static class ApiAccessKeys
{
    public const string AccessKeyIdVariable = "RESOLVER_API_ACCESS_KEY_ID";

    public const string SecretAccessKeyVariable = "RESOLVER_API_SECRET_ACCESS_KEY";

    /// <summary>
    /// The configured keys followed by the environment's, copied so later edits of the options do not
    /// change who may sign.
    /// </summary>
    /// <param name="options">The API options.</param>
    /// <param name="environment">Reads an environment variable, null when unset (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <exception cref="InvalidDataException">A key is incomplete or ambiguous, or there is none at all.</exception>
    public static IReadOnlyList<ApiAccessKey> Resolve(ApiOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);

        var keys = new List<ApiAccessKey>();
        for (var i = 0; i < options.AccessKeys.Count; i++)
        {
            var key = options.AccessKeys[i];
            var where = $"{ApiOptions.SectionName}:AccessKeys:{i}";
            if (key is null)
            {
                throw new InvalidDataException($"{where} is empty: give it an AccessKeyId and a SecretAccessKey");
            }

            Add(keys, key.AccessKeyId, key.SecretAccessKey, where, "AccessKeyId", "SecretAccessKey");
        }

        var id = environment(AccessKeyIdVariable);
        var secret = environment(SecretAccessKeyVariable);
        var hasId = !string.IsNullOrEmpty(id);
        var hasSecret = !string.IsNullOrEmpty(secret);
        if (hasId != hasSecret)
        {
            var (set, unset) = hasId ? (AccessKeyIdVariable, SecretAccessKeyVariable) : (SecretAccessKeyVariable, AccessKeyIdVariable);
            throw new InvalidDataException($"{set} is set but {unset} is not: set both or neither");
        }

        if (hasId)
        {
            Add(keys, id, secret, "the environment", AccessKeyIdVariable, SecretAccessKeyVariable);
        }

        if (keys.Count == 0)
        {
            throw new InvalidDataException(
                $"the API needs at least one access key: set {ApiOptions.SectionName}:AccessKeys or {AccessKeyIdVariable} and {SecretAccessKeyVariable}");
        }

        return keys;
    }

    private static void Add(List<ApiAccessKey> keys, string? id, string? secret, string where, string idName, string secretName)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new InvalidDataException($"{where}: {idName} is empty");
        }

        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidDataException($"{where}: {secretName} of access key '{id}' is empty");
        }

        // The id travels inside "Credential=id/date/region/service/aws4_request"; these characters would split it.
        if (id.Any(static c => c is '/' or ',' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new InvalidDataException($"{where}: {idName} '{id}' may not contain '/', ',' or white space");
        }

        var existing = keys.Find(k => k.AccessKeyId == id);
        if (existing is not null)
        {
            if (existing.SecretAccessKey == secret)
            {
                return;
            }

            throw new InvalidDataException($"{where}: access key '{id}' is already defined with a different secret");
        }

        keys.Add(new ApiAccessKey { AccessKeyId = id, SecretAccessKey = secret });
    }
}
