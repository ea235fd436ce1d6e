namespace EqPropActors.Cli.Studies.Running;

/// <summary>What a study reports while it runs (a live display on a terminal, lines in a log).</summary>
public interface IStudyProgress
{
    void Started(int total, int alreadyDone, int toDo);

    /// <param name="where">The worker that runs it on a cluster; null on this machine.</param>
    void RunStarted(StudyRun run, string? where);

    /// <param name="cancelled">The run is not done: the study was interrupted, or its worker was lost and it goes back to the queue.</param>
    void RunEnded(StudyRun run, string outcome, TimeSpan took, bool cancelled);
}
