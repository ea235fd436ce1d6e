namespace EqPropActors.Core.Training;

/// <summary>Training produced NaN or infinity; it is stopped rather than trained through.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
