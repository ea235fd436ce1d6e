using System.Text.Json;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tests.Engines;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Core.Tests.Tracing;

/// <summary>trace.npz opens in NumPy with the documented names, shapes and values, and trace.json describes every array in it.</summary>
public sealed class TraceFilesTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private RelaxationTrace WriteTrace(out EngineProblem problem)
    {
        problem = new EngineProblem([13, 9, 7, 5], rows: 4, groupsPerHiddenLayer: 2);
        using var engine = problem.CreateEngine();
        var trace = new RelaxationTrace(problem.Network.FreeGroups);
        engine.Recorder = trace;
        engine.Run(problem.Batch, MinibatchPlan.Training(9, 3, new RuleApplication(LearningRule.Vf, 0.25f, false, 0f), UpdateMode.None), 0.5f, 1e-3f);
        var description = new TraceDescription("run", "run/checkpoint.npz", 2, "test", [0, 1, 2, 3], problem.Batch.Labels[..4], 0.5f, 1e-3f);
        TraceFiles.Write(_directory.Path, trace, description);
        return trace;
    }

    [Fact]
    public void NumPyReadsTheDocumentedArraysWithTheirShapesAndValues()
    {
        var trace = WriteTrace(out var problem);
        const string describe = """
            import json, sys, numpy
            with numpy.load(sys.argv[1]) as a:
                print(json.dumps({"shapes": {n: list(a[n].shape) for n in a.files}, "dtypes": {n: a[n].dtype.str for n in a.files},
                                  "phase_start": a["phase_start"].tolist(), "last_free_L2G1": a["L2G1_state"][8, 3].tolist(),
                                  "residual_L3G0": a["L3G0_residual"][:, 1].tolist()}))
            """;
        using var seen = JsonDocument.Parse(PythonWithNumPy.Run(PythonWithNumPy.Require(), describe, _directory.File(TraceFiles.ArraysFile)));
        var root = seen.RootElement;

        int[] Shape(string name) => root.GetProperty("shapes").GetProperty(name).EnumerateArray().Select(d => d.GetInt32()).ToArray();
        Assert.Equal([12, 4, 5], Shape("L1G0_state"));
        Assert.Equal([12, 4, 4], Shape("L1G1_rate"));
        Assert.Equal([12, 4], Shape("L3G0_residual"));
        Assert.Equal([2], Shape("phase_start"));
        Assert.Equal([4], Shape("label"));
        Assert.Equal([], Shape("dt"));
        Assert.Equal("<f4", root.GetProperty("dtypes").GetProperty("L2G0_state").GetString());
        Assert.Equal("<i4", root.GetProperty("dtypes").GetProperty("phase_start").GetString());
        Assert.Equal([0, 9], root.GetProperty("phase_start").EnumerateArray().Select(v => v.GetInt32()));

        // float32 → double → JSON → double is exact, so these compare bit for bit.
        var group = trace.Groups.Single(g => g.Spec.Name == "L2G1");
        Assert.Equal(Enumerable.Range(0, group.Units).Select(u => (double)group.StateAt(8, 3, u)),
            root.GetProperty("last_free_L2G1").EnumerateArray().Select(v => v.GetDouble()));
        var output = trace.Groups.Single(g => g.Spec.Name == "L3G0");
        Assert.Equal(Enumerable.Range(0, trace.Steps).Select(s => (double)output.ResidualAt(s, 1)),
            root.GetProperty("residual_L3G0").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void TraceJsonDescribesEveryArrayAndThePhases()
    {
        WriteTrace(out _);
        var archive = Core.Checkpoints.NpzArchive.Read(_directory.File(TraceFiles.ArraysFile));
        using var json = JsonDocument.Parse(File.ReadAllText(_directory.File(TraceFiles.DescriptionFile)));
        var described = json.RootElement.GetProperty("arrays");

        Assert.Equal(archive.Arrays.Select(a => a.Name).Order(), described.EnumerateObject().Select(p => p.Name).Order());
        foreach (var array in archive.Arrays)
        {
            var entry = described.GetProperty(array.Name);
            Assert.Equal(array.Shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("content").GetString()), $"{array.Name} has no description");
        }
        Assert.Equal(["free", "nudged"], json.RootElement.GetProperty("phase_name").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0.25, json.RootElement.GetProperty("phases")[1].GetProperty("beta").GetDouble());
        Assert.Contains("‖s_t − s_(t−1)‖/dt", File.ReadAllText(_directory.File(TraceFiles.DescriptionFile)));
    }
}
