using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The coordinator's requests about a group's parameters: load its columns of a parameter set, export them, find a
/// non-finite one. Each returns the reply to send; a load makes a new parameter version (see <see cref="DriveDelegation"/>).
/// </summary>
internal static class ParameterTransfer
{
    public static IEngineMessage Answer(IEngineMessage request, NeuronGroup group, Action parametersChanged)
    {
        switch (request)
        {
            case LoadParameters load:
                GroupParameterMapping.Load(group, load.Weights, load.Velocity);
                parametersChanged();
                return new Done(group.Spec.Id);
            case ExportParameters export:
                return new GroupParameters(group.Spec.Id, export.Kind, GroupParameterMapping.Export(group, export.Kind));
            case FindDiverged find:
                return new DivergenceReport(group.Spec.Id, group.FindDivergedParameter(find.Bound));
            default:
                throw new ArgumentException($"{request.GetType().Name} is not a parameter request", nameof(request));
        }
    }

    public static bool IsRequest(object message) => message is LoadParameters or ExportParameters or FindDiverged;
}
