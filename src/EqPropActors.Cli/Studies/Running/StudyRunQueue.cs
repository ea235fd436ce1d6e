namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// The runs a cluster study still has to hand out, in the study's order. A run that comes back (its worker was lost
/// or busy) goes to the front, but not before the time given: a lost worker's child may still be writing.
/// </summary>
public sealed class StudyRunQueue(IEnumerable<StudyRun> runs)
{
    private readonly List<(StudyRun Run, DateTime NotBefore)> _entries = runs.Select(r => (r, DateTime.MinValue)).ToList();

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The first run that may go out at <paramref name="now"/>, taken off the queue; null when none may.</summary>
    public StudyRun? TakeNext(DateTime now)
    {
        int index = _entries.FindIndex(e => e.NotBefore <= now);
        if (index < 0)
            return null;
        var run = _entries[index].Run;
        _entries.RemoveAt(index);
        return run;
    }

    public void PutBack(StudyRun run, DateTime notBefore) => _entries.Insert(0, (run, notBefore));
}
