using System.Text.Json;
using System.Text.Json.Nodes;
using EqPropActors.Core;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// <c>eqprop train --config RUN/config.json [options]</c>: the settings of config.json become the command-line options
/// they are spelled as, and the options given on the command line override them. Expanding before the parser runs
/// means a rerun is checked and resolved exactly like a run typed by hand.
/// </summary>
public static class ConfigArguments
{
    private const string Option = "--config";

    /// <summary>Keys config.json records about the program, not settings of the run.</summary>
    private static readonly HashSet<string> ProvenanceKeys = new(StringComparer.Ordinal) { "version", "commit" };

    /// <summary>The long names of every <c>train</c> option, as the parser knows them.</summary>
    public static IReadOnlySet<string> TrainOptionNames { get; } =
        Studies.TrainOptionCatalog.TrainOptions.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static string[] Expand(string[] args)
    {
        if (args.Length == 0 || !string.Equals(args[0], "train", StringComparison.OrdinalIgnoreCase))
            return args;
        int at = Array.FindIndex(args, a => string.Equals(a, Option, StringComparison.OrdinalIgnoreCase) || a.StartsWith(Option + "=", StringComparison.OrdinalIgnoreCase));
        if (at < 0)
            return args;
        string path;
        List<string> rest = [.. args];
        if (args[at].Contains('='))
        {
            path = args[at][(Option.Length + 1)..];
            rest.RemoveAt(at);
        }
        else
        {
            if (at + 1 >= args.Length)
                throw new ConfigurationException("--config needs a file: a run's config.json");
            path = args[at + 1];
            rest.RemoveRange(at, 2);
        }
        if (rest.Any(a => string.Equals(a, "--resume", StringComparison.OrdinalIgnoreCase)))
            throw new ConfigurationException("--config starts a new run from a run's settings; --resume continues a run with its own: give one of them");
        var given = rest.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [rest[0], .. FromFile(path, given), .. rest.Skip(1)];
    }

    /// <summary>The options config.json at <paramref name="path"/> sets, less those in <paramref name="overridden"/>.</summary>
    private static IEnumerable<string> FromFile(string path, IReadOnlySet<string> overridden)
    {
        JsonObject settings;
        try
        {
            settings = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new JsonException("expected a JSON object");
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"--config {path}: no such file (give a run's config.json)", path);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"--config {path}: not a run configuration: {e.Message}");
        }
        var arguments = new List<string>();
        foreach (var (field, value) in settings)
        {
            if (ProvenanceKeys.Contains(field) || TrainingConfig.RecordedOnlyKeys.Contains(field))
                continue;
            if (LegacyScheduleFields.Keys.Contains(field))
            {
                RejectLegacyField(path, field, value, settings);
                continue; // a zero: what every run without those settings wrote
            }
            string key = TrainingConfig.OptionOfKey(field);
            if (!TrainOptionNames.Contains(key))
                throw new ConfigurationException($"--config {path}: '{field}' is not an option of 'eqprop train' (a config.json from another version of eqprop?)");
            if (overridden.Contains(key) || value is null)
                continue;
            switch (value.GetValueKind())
            {
                case JsonValueKind.True:
                    arguments.Add($"--{key}");
                    break;
                case JsonValueKind.False:
                    break;
                case JsonValueKind.Array:
                    arguments.AddRange([$"--{key}", string.Join(',', value.AsArray().Select(Scalar))]);
                    break;
                default:
                    arguments.AddRange([$"--{key}", Scalar(value)]);
                    break;
            }
        }
        return arguments;

        string Scalar(JsonNode? node) => node?.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.Number => node.ToJsonString(),
            _ => throw new ConfigurationException($"--config {path}: '{node?.ToJsonString()}' is not a number or a string"),
        };
    }

    private static void RejectLegacyField(string path, string field, JsonNode? value, JsonObject settings)
    {
        if (value?.GetValueKind() != JsonValueKind.Number)
            throw new ConfigurationException($"--config {path}: '{field}' is not a number");
        double dt = settings["dt"]?.GetValueKind() == JsonValueKind.Number ? settings["dt"]!.GetValue<double>() : new TrainingConfig().Dt;
        try
        {
            LegacyScheduleFields.Reject(field, value.GetValue<double>(), dt);
        }
        catch (ConfigurationException e)
        {
            throw new ConfigurationException($"--config {path}: {e.Message}");
        }
    }
}
