namespace EqPropActors.Core.Training;

/// <summary>--out names a folder that holds another run (or other files): refused, and the folder is left untouched.</summary>
public sealed class RunFolderExistsException(string message) : ConfigurationException(message);
