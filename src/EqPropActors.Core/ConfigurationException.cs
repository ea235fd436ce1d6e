namespace EqPropActors.Core;

/// <summary>A setting or combination of settings that cannot work; the message names the option and says why.</summary>
public class ConfigurationException(string message) : Exception(message);
