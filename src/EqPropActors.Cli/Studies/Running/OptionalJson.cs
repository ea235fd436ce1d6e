using System.Text.Json;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>A run's JSON file (results.json, config.json, gradcheck.json) as the study reads it: absent or unreadable
/// both mean "not there yet". These files are written atomically, so an unreadable one is not a run's.</summary>
public static class OptionalJson
{
    public static JsonDocument? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
