using System.Text.Json;
using System.Text.Json.Serialization;
using EqPropActors.Core.Engines;

namespace EqPropActors.Core.Training;

/// <summary>A phase length in config.json as on the command line: a number of steps (<c>"T1": 40</c>) or <c>"auto"</c>.</summary>
public sealed class PhaseLengthJsonConverter : JsonConverter<PhaseLength>
{
    public override PhaseLength Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out int steps) => steps,
        JsonTokenType.String when PhaseLength.Parse(reader.GetString()!) is { UntilSettled: true } auto => auto,
        _ => throw new JsonException("expected a whole number of steps or \"auto\""),
    };

    public override void Write(Utf8JsonWriter writer, PhaseLength value, JsonSerializerOptions options)
    {
        if (value.UntilSettled)
            writer.WriteStringValue("auto");
        else
            writer.WriteNumberValue(value.Steps);
    }
}
