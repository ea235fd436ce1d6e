using System.Text;
using System.Text.Json;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// A recorded relaxation as files: trace.npz with the arrays (numpy.load opens it) and trace.json saying what each
/// array holds, its shape and the phase boundaries, so that a trace can be read without this program.
/// Array names: per recorded group G ("L1G0": layer 1, group 0 of that layer) <c>G_state</c> and <c>G_rate</c>
/// [steps, samples, units] and <c>G_residual</c> [steps, samples]; then <c>phase_start</c>, <c>phase_steps</c>,
/// <c>phase_beta</c> [phases], <c>sample_index</c> and <c>label</c> [samples], and the scalar <c>dt</c>.
/// </summary>
public static class TraceFiles
{
    public const string ArraysFile = "trace.npz";
    public const string DescriptionFile = "trace.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // ρ, ‖ and β stay readable in the file instead of \u escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string directory, RelaxationTrace trace, TraceDescription description)
    {
        var arrays = Arrays(trace, description);
        NpzArchive.Write(Path.Combine(directory, ArraysFile), arrays.Select(a => a.Array));
        AtomicFile.WriteAllBytes(Path.Combine(directory, DescriptionFile), Encoding.UTF8.GetBytes(Describe(trace, description, arrays)));
    }

    private sealed record DescribedArray(NpyArray Array, string Content);

    private static List<DescribedArray> Arrays(RelaxationTrace trace, TraceDescription description)
    {
        int steps = trace.Steps, samples = trace.Samples, phases = trace.Phases.Count;
        var arrays = new List<DescribedArray>();
        foreach (var group in trace.Groups)
        {
            string g = group.Spec.Name;
            string units = $"units {group.Spec.Offset}..{group.Spec.Offset + group.Units - 1} of layer {group.Spec.Layer}";
            arrays.Add(new(new NpyArray($"{g}_state", [steps, samples, group.Units], group.States()),
                $"state s of {g} ({units}) after each step, per probe sample"));
            arrays.Add(new(new NpyArray($"{g}_rate", [steps, samples, group.Units], group.Rates()),
                $"rate ρ(s) of {g} after each step (what its neighbours read)"));
            arrays.Add(new(new NpyArray($"{g}_residual", [steps, samples], group.Residuals()),
                $"residual ‖s_t − s_(t−1)‖/dt of {g} over its units, per step and sample (the quantity --tolerance judges)"));
        }
        arrays.Add(new(new NpyArray("phase_start", [phases], trace.Phases.Select(p => p.FirstStep).ToArray()),
            "index of each phase's first step, in the order of phase_name in trace.json"));
        arrays.Add(new(new NpyArray("phase_steps", [phases], trace.Phases.Select(p => p.Steps).ToArray()),
            "steps each phase took"));
        arrays.Add(new(new NpyArray("phase_beta", [phases], trace.Phases.Select(p => p.Beta).ToArray()),
            "nudging β of each phase (0: free)"));
        arrays.Add(new(new NpyArray("sample_index", [samples], description.SampleIndices.ToArray()),
            $"index of each probe sample in the {description.ProbeSet} set"));
        arrays.Add(new(new NpyArray("label", [samples], description.Labels.ToArray()),
            "class of each probe sample: the output unit the nudge pulls towards 1 (the others towards 0)"));
        arrays.Add(new(NpyArray.Scalar("dt", description.Dt), "Euler step ε of the relaxation"));
        return arrays;
    }

    private static string Describe(RelaxationTrace trace, TraceDescription description, List<DescribedArray> arrays) =>
        JsonSerializer.Serialize(new
        {
            run = description.Run,
            checkpoint = description.Checkpoint,
            epoch = description.Epoch,
            probe_set = description.ProbeSet,
            samples = trace.Samples,
            steps = trace.Steps,
            dt = description.Dt,
            tolerance = description.Tolerance,
            phase_name = trace.Phases.Select(p => p.Name).ToArray(),
            phases = trace.Phases.Select(p => new { name = p.Name, beta = p.Beta, first_step = p.FirstStep, steps = p.Steps }).ToArray(),
            groups = trace.Groups.Select(g => new { name = g.Spec.Name, layer = g.Spec.Layer, first_unit = g.Spec.Offset, units = g.Units }).ToArray(),
            arrays = arrays.ToDictionary(a => a.Array.Name, a => new
            {
                shape = a.Array.Shape,
                dtype = a.Array.DType.ToString().ToLowerInvariant(),
                content = a.Content,
            }),
        }, Json);
}
