using System.Text.Json;
using System.Text.Json.Serialization;

namespace EqPropActors.Core.Training;

/// <summary>Writes and reads an enum as the command line spells it: HardSigmoid ⇄ "hard-sigmoid", Vf ⇄ "vf".</summary>
public sealed class KebabCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
