using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>Source-generated serialization of findings: no reflection, trimming safe.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Finding))]
internal sealed partial class FindingJsonContext : JsonSerializerContext;
