using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The synchronous schedule: a dataflow barrier per step. Step t → t+1 runs once every source's step-t activity is
/// here (Jacobi exchange: each group sends its step-t rates before it waits for its neighbours', so the two-way
/// traffic cannot deadlock), which makes the actor engines bit for bit the batch engine. A duplicate or a gap in the
/// steps is rejected; a step that does not advance within the stall timeout stops the run naming the missing edges.
/// </summary>
internal sealed class SyncStepper : IPhaseStepper
{
    private readonly NeuronGroup _group;
    private readonly GroupNeighbours _neighbours;
    private readonly PhaseProgress _progress;
    private readonly ActivitySender _sender;
    private readonly bool _drivenBySource;
    private readonly IStepperHost _host;
    private readonly TimeSpan _stallTimeout;
    private readonly IGroupStepRecorder? _recorder;
    private readonly InboundRates?[,] _inbox;   // [source, step parity]
    private readonly int[,] _inboxStep;         // step held in each inbox slot, −1 when empty
    private ICancelable? _stallTimer;
    private int _stepAtLastCheck;

    public SyncStepper(NeuronGroup group, GroupNeighbours neighbours, PhaseProgress progress, ActivitySender sender, bool drivenBySource,
        IStepperHost host, TimeSpan stallTimeout, IGroupStepRecorder? recorder = null)
    {
        (_group, _neighbours, _progress, _sender, _drivenBySource, _host, _stallTimeout, _recorder) =
            (group, neighbours, progress, sender, drivenBySource, host, stallTimeout, recorder);
        _inbox = new InboundRates?[neighbours.Sources.Length, 2];
        _inboxStep = new int[neighbours.Sources.Length, 2];
    }

    public void Start()
    {
        for (int i = 0; i < _neighbours.Sources.Length; i++)
            _inboxStep[i, 0] = _inboxStep[i, 1] = -1;
        _sender.Shared(step: 0, _host.Self);
    }

    public void Run()
    {
        _stepAtLastCheck = -1;
        _stallTimer?.Cancel();
        _stallTimer = _host.ScheduleRepeatedly(_stallTimeout, new StallCheck(_progress.Minibatch, _progress.PhaseIndex));
        Advance();
    }

    public void Receive(IEngineMessage message, int source)
    {
        if (message is not Activity activity)
        {
            _host.Reject(message, $"a {message.GetType().Name} under the sync schedule, which sends only activity");
            return;
        }
        int step = _progress.Step, parity = activity.Step & 1;
        if (activity.Step < step || activity.Step > step + 1 || _inboxStep[source, parity] == activity.Step)
        {
            _host.Reject(activity, $"activity of step {activity.Step} from {_neighbours.Sources[source].Source.Name} while at step {step}: " +
                "a step message was duplicated or lost");
            return;
        }
        _inbox[source, parity] = new InboundRates(activity.Rates, activity.Pooled);
        _inboxStep[source, parity] = activity.Step;
        Advance();
    }

    public bool ReceiveSignal(object message)
    {
        if (message is not StallCheck check)
            return false;
        OnStallCheck(check);
        return true;
    }

    /// <summary>Takes every step whose inputs are all here.</summary>
    private void Advance()
    {
        var phase = _progress.CurrentPhase;
        var sources = _neighbours.Sources;
        while (_progress.Step < phase.Steps && AllSourcesAt(_progress.Step))
        {
            int parity = _progress.Step & 1;
            _progress.StalenessCount += sources.Length; // the barrier makes every input exactly one step old: staleness 0
            // A recorder reads every step's length (as with the batch engine's); measuring it changes no state.
            bool measure = _progress.Step == phase.Steps - 1 || _recorder is not null;
            if (_drivenBySource)
            {
                if (phase.Plasticity is not null)
                    throw new InvalidOperationException($"group {_group.Spec.Name} gets its drive from its source, but the {phase.Plasticity.Form} " +
                        "update needs the source's rates at each step: run without drive delegation");
                _group.StepWithDrive(_inbox[0, parity]!.Value.Values.AsSpan(0, _group.Rows * _group.Stride), _progress.Dt, phase.Beta, measure);
            }
            else
            {
                for (int i = 0; i < sources.Length; i++)
                    sources[i].SourceRates = _inbox[i, parity]!.Value.Values;
                _group.Step(_progress.Dt, phase.Beta, measure);
                _group.LearnFromStep(phase.Plasticity, phase.Beta); // before the inputs it read are released
            }
            _recorder?.StepTaken(_group, _progress.PhaseIndex, _progress.Dt);
            for (int i = 0; i < sources.Length; i++)
            {
                _inbox[i, parity]!.Value.Release();
                _inbox[i, parity] = null;
                _inboxStep[i, parity] = -1;
            }
            _progress.Step++;
            if (_progress.Step < phase.Steps)
                _sender.Shared(_progress.Step, _host.Self);
        }
        if (_progress.Step == phase.Steps && !_progress.StepsDone)
        {
            _stallTimer?.Cancel();
            _host.FinishPhase();
        }
    }

    private bool AllSourcesAt(int step)
    {
        int parity = step & 1;
        for (int i = 0; i < _neighbours.Sources.Length; i++)
            if (_inboxStep[i, parity] != step)
                return false;
        return true;
    }

    /// <summary>
    /// A step that has not advanced between two checks waits for activity that is not coming (a message lost on the
    /// way, or a neighbour stalled): the run stops naming the missing edges, well before the coordinator's own
    /// timeout would name only this group.
    /// </summary>
    private void OnStallCheck(StallCheck check)
    {
        if (!_progress.IsCurrent(check.Minibatch, check.PhaseIndex) || _progress.StepsDone)
            return;
        if (_progress.Step != _stepAtLastCheck)
        {
            _stepAtLastCheck = _progress.Step;
            return;
        }
        int parity = _progress.Step & 1;
        var missing = Enumerable.Range(0, _neighbours.Sources.Length).Where(i => _inboxStep[i, parity] != _progress.Step).Select(_neighbours.Describe);
        _stallTimer?.Cancel();
        _host.Fail($"no step-{_progress.Step} activity from {string.Join(", ", missing)} within {_stallTimeout.TotalSeconds:F0} s: " +
            "the message was lost or the sender stalled");
    }
}

/// <summary>Group → itself (sync schedule), every stall timeout during a phase: has the step advanced since?</summary>
internal sealed record StallCheck(long Minibatch, int PhaseIndex);
