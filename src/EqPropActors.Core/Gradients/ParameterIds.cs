using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>The three kinds of parameter tensors of a <see cref="ReferenceNetwork"/>.</summary>
public enum TensorKind
{
    /// <summary>Wff[l], l = 1..L, row-major [n_{l−1} × n_l].</summary>
    Forward,

    /// <summary>Wfb[l], l = 1..L−1, row-major [n_{l+1} × n_l].</summary>
    Feedback,

    /// <summary>Bias[l], l = 1..L, length n_l.</summary>
    Bias,
}

/// <summary>One parameter tensor: its kind and the layer index l it belongs to.</summary>
public readonly record struct TensorId(TensorKind Kind, int Layer);

/// <summary>One scalar parameter: a tensor and the flat (row-major) index inside it.</summary>
public readonly record struct ParameterId(TensorId Tensor, int Index);
