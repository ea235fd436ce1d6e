using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>Step size and stopping rule of a relaxation to a fixed point.</summary>
/// <param name="Dt">Euler step ε.</param>
/// <param name="Tolerance">Stop once the step residual ‖s_new − s_old‖₂ / dt falls below this.</param>
/// <param name="MaxSteps">Give up (Converged = false) after this many steps.</param>
public sealed record RelaxationSettings(double Dt = 0.5, double Tolerance = 1e-13, int MaxSteps = 200_000);

/// <summary>Outcome of a relaxation.</summary>
/// <param name="States">States per layer 0..L; States[0] is the clamped input x.</param>
/// <param name="Residual">‖s_new − s_old‖₂ / dt of the last step (free units only).</param>
/// <param name="Steps">Euler steps taken.</param>
/// <param name="Converged">Residual &lt; tolerance (always false for a fixed-step <see cref="ReferenceDynamics.Relax"/>).</param>
public sealed record RelaxationResult(double[][] States, double Residual, int Steps, bool Converged);

/// <summary>
/// The projected Euler dynamics s ← clip(s + dt μ^β(s), 0, 1), Jacobi-style (every unit reads the previous
/// step's states), per sample, in plain loops.
/// </summary>
public static class ReferenceDynamics
{
    /// <summary>
    /// Drives u_j = Bias[l][j] + Σ_p ρ(s_{l−1,p}) Wff[l][p,j] + (l &lt; L ? Σ_p ρ(s_{l+1,p}) Wfb[l][p,j] : 0)
    /// for l = 1..L (index 0 is an empty array).
    /// </summary>
    public static double[][] Drive(ReferenceNetwork network, double[][] states)
    {
        int outputLayer = network.OutputLayer;
        double[][] rates = states.Select(layerStates => layerStates.Select(network.Rate).ToArray()).ToArray();
        var drive = new double[outputLayer + 1][];
        drive[0] = [];
        for (int layer = 1; layer <= outputLayer; layer++)
        {
            int size = network.LayerSizes[layer];
            double[] forward = network.Wff[layer]!;
            double[] layerDrive = (double[])network.Bias[layer]!.Clone();
            for (int below = 0; below < network.LayerSizes[layer - 1]; below++)
                for (int unit = 0; unit < size; unit++)
                    layerDrive[unit] += rates[layer - 1][below] * forward[below * size + unit];
            if (layer < outputLayer)
            {
                double[] feedback = network.Wfb[layer]!;
                for (int above = 0; above < network.LayerSizes[layer + 1]; above++)
                    for (int unit = 0; unit < size; unit++)
                        layerDrive[unit] += rates[layer + 1][above] * feedback[above * size + unit];
            }
            drive[layer] = layerDrive;
        }
        return drive;
    }

    /// <summary>
    /// μ^β per layer 1..L: μ_j = g(s_j) u_j − s_j with g = 1 (VF form) or ρ' (rho-prime form), plus β(y − s_L)
    /// on the output layer when a target is given. Index 0 is an empty array.
    /// </summary>
    public static double[][] Field(ReferenceNetwork network, double[][] states, double[]? target, double beta)
    {
        double[][] drive = Drive(network, states);
        var field = new double[drive.Length][];
        field[0] = [];
        for (int layer = 1; layer < drive.Length; layer++)
        {
            field[layer] = new double[drive[layer].Length];
            for (int unit = 0; unit < field[layer].Length; unit++)
            {
                double state = states[layer][unit];
                field[layer][unit] = network.DriveGain(state) * drive[layer][unit] - state;
            }
        }
        if (target is not null && beta != 0.0)
        {
            double[] output = states[network.OutputLayer];
            for (int unit = 0; unit < output.Length; unit++)
                field[network.OutputLayer][unit] += beta * (target[unit] - output[unit]);
        }
        return field;
    }

    /// <summary>C = ½‖y − s_L‖².</summary>
    public static double Cost(double[][] states, double[] target)
    {
        double[] output = states[^1];
        double sum = 0.0;
        for (int unit = 0; unit < output.Length; unit++)
            sum += (target[unit] - output[unit]) * (target[unit] - output[unit]);
        return 0.5 * sum;
    }

    /// <summary>
    /// Exactly <paramref name="steps"/> projected Euler steps from <paramref name="start"/> (zeros when null;
    /// its index 0 is ignored). Target may be null for the free phase.
    /// </summary>
    public static RelaxationResult Relax(
        ReferenceNetwork network, double[] input, double[]? target, double beta, double[][]? start, double dt, int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), "At least one step is needed to measure a residual.");
        double[][] states = InitialStates(network, input, target, start);
        double residual = double.NaN;
        for (int step = 0; step < steps; step++)
            residual = Step(network, states, target, beta, dt);
        return new RelaxationResult(states, residual, steps, Converged: false);
    }

    /// <summary>
    /// Projected Euler steps until the step residual is below the tolerance (reported with Converged = true),
    /// or MaxSteps is reached (Converged = false: asymmetric dynamics need not converge, docs/algorithm.md, "The vector field").
    /// </summary>
    public static RelaxationResult RelaxToFixedPoint(
        ReferenceNetwork network, double[] input, double[]? target, double beta, double[][]? start, RelaxationSettings settings)
    {
        double[][] states = InitialStates(network, input, target, start);
        double residual = double.NaN;
        for (int step = 1; step <= settings.MaxSteps; step++)
        {
            residual = Step(network, states, target, beta, settings.Dt);
            if (residual < settings.Tolerance)
                return new RelaxationResult(states, residual, step, Converged: true);
        }
        return new RelaxationResult(states, residual, settings.MaxSteps, Converged: false);
    }

    /// <summary><see cref="RelaxToFixedPoint"/>, but a fixed point that was not reached is an error.</summary>
    public static double[][] RequireFixedPoint(
        ReferenceNetwork network, double[] input, double[]? target, double beta, double[][]? start, RelaxationSettings settings)
    {
        RelaxationResult result = RelaxToFixedPoint(network, input, target, beta, start, settings);
        if (!result.Converged)
            throw new InvalidOperationException(
                $"No fixed point (β = {beta}): residual {result.Residual:E3} after {result.Steps} steps, tolerance {settings.Tolerance:E1}.");
        return result.States;
    }

    private static double[][] InitialStates(ReferenceNetwork network, double[] input, double[]? target, double[][]? start)
    {
        int[] sizes = network.LayerSizes;
        if (input.Length != sizes[0])
            throw new ArgumentException($"Input has {input.Length} entries, layer 0 has {sizes[0]} units.", nameof(input));
        if (target is not null && target.Length != sizes[^1])
            throw new ArgumentException($"Target has {target.Length} entries, the output layer has {sizes[^1]} units.", nameof(target));
        var states = new double[sizes.Length][];
        states[0] = (double[])input.Clone();
        for (int layer = 1; layer < sizes.Length; layer++)
        {
            if (start is not null && start[layer].Length != sizes[layer])
                throw new ArgumentException($"Start state of layer {layer} has the wrong length.", nameof(start));
            states[layer] = start is null ? new double[sizes[layer]] : (double[])start[layer].Clone();
        }
        return states;
    }

    /// <summary>One Jacobi step in place; returns ‖s_new − s_old‖₂ / dt over the free units.</summary>
    private static double Step(ReferenceNetwork network, double[][] states, double[]? target, double beta, double dt)
    {
        double[][] field = Field(network, states, target, beta);
        double squaredChange = 0.0;
        for (int layer = 1; layer < states.Length; layer++)
        {
            for (int unit = 0; unit < states[layer].Length; unit++)
            {
                double updated = Math.Clamp(states[layer][unit] + dt * field[layer][unit], 0.0, 1.0);
                double change = updated - states[layer][unit];
                squaredChange += change * change;
                states[layer][unit] = updated;
            }
        }
        return Math.Sqrt(squaredChange) / dt;
    }
}
