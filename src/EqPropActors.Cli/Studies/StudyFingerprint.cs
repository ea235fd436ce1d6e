using System.Security.Cryptography;
using System.Text.Json;

namespace EqPropActors.Cli.Studies;

/// <summary>
/// A hash of what a study runs, so that a runner can tell whether a spec still describes an existing study folder.
/// It is computed from the expanded content, not the text: comments, layout, and equivalent spellings
/// (seeds = 3 or [1, 2, 3]; an option in [base] or in every condition) do not change it; the title and description,
/// which change no run, do not either.
/// </summary>
internal static class StudyFingerprint
{
    // Raise when the normalized form changes, so that an old fingerprint never matches a differently computed one.
    private const int FormatVersion = 1;

    /// <summary>SHA-256, lowercase hex, of a canonical JSON rendering of the seeds, gradcheck settings and conditions.</summary>
    public static string Compute(IReadOnlyList<int> seeds, bool gradcheck, int gradcheckRepeats, IReadOnlyList<StudyCondition> conditions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format", FormatVersion);
            json.WriteStartArray("seeds");
            foreach (var seed in seeds)
                json.WriteNumberValue(seed);
            json.WriteEndArray();
            json.WriteBoolean("gradcheck", gradcheck);
            json.WriteNumber("gradcheckRepeats", gradcheckRepeats);
            json.WriteStartArray("conditions");
            foreach (var condition in conditions)
            {
                json.WriteStartObject();
                json.WriteString("name", condition.Name);
                json.WriteStartArray("arguments");
                foreach (var argument in condition.ToArguments())
                    json.WriteStringValue(argument);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}
