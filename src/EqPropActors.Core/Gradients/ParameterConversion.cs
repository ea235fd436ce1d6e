using EqPropActors.Core.Network;

namespace EqPropActors.Core.Gradients;

/// <summary>Widens the engines' float parameters into the double-precision reference's tensors.</summary>
public static class ParameterConversion
{
    public static ReferenceNetwork ToReference(NetworkSpec network, ParameterSet weights)
    {
        var reference = new ReferenceNetwork(network.LayerSizes, network.Activation, network.Form);
        CopyInto(weights, reference);
        return reference;
    }

    public static NetworkGradient ToGradient(ParameterSet set)
    {
        var gradient = new NetworkGradient(set.LayerSizes);
        CopyInto(set, gradient);
        return gradient;
    }

    private static void CopyInto(ParameterSet source, ParameterTensors destination)
    {
        for (int l = 1; l < source.LayerSizes.Count; l++)
        {
            Widen(source.Forward[l], destination.Wff[l]!);
            Widen(source.Bias[l], destination.Bias[l]!);
            if (l < source.LayerSizes.Count - 1)
                Widen(source.Feedback[l], destination.Wfb[l]!);
        }
    }

    private static void Widen(float[] source, double[] destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = source[i];
    }
}
