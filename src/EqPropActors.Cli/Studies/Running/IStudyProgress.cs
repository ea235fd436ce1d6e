namespace EqPropActors.Cli.Studies.Running;

/// <summary>What a study reports while it runs (a live display on a terminal, lines in a log).</summary>
public interface IStudyProgress
{
    void Started(int total, int alreadyDone, int toDo);
    void RunStarted(StudyRun run);
    void RunEnded(StudyRun run, string outcome, TimeSpan took, bool cancelled);
}
