using System.Text.Json.Serialization;

namespace Resolver.Detection.State;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DetectionStateDocument))]
internal sealed partial class DetectionStateJsonContext : JsonSerializerContext;
