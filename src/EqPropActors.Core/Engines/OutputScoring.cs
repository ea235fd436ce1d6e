namespace EqPropActors.Core.Engines;

/// <summary>The cost C = ½‖y − s_o‖² and the classification error (argmax of the output states) of a minibatch.</summary>
public static class OutputScoring
{
    public static (double LossSum, int Errors) Score(ReadOnlySpan<float> outputs, int outputStride, int outputSize,
        ReadOnlySpan<float> targets, int targetStride, ReadOnlySpan<int> labels, int rows)
    {
        double loss = 0;
        int errors = 0;
        for (int r = 0; r < rows; r++)
        {
            var output = outputs.Slice(r * outputStride, outputSize);
            var target = targets.Slice(r * targetStride, outputSize);
            for (int j = 0; j < outputSize; j++)
            {
                double difference = target[j] - output[j];
                loss += 0.5 * difference * difference;
            }
            // Ties go to the lowest index; an all-zero output is therefore class 0 (and usually an error).
            int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(output);
            if (predicted != labels[r])
                errors++;
        }
        return (loss, errors);
    }
}
