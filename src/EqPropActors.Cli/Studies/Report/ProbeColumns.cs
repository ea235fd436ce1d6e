using System.Globalization;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>The names of the gradient probe's columns (<c>train --probe-gradient-every</c>), the same in a run's
/// metrics.csv and in a study's runs.csv.</summary>
public static class ProbeColumns
{
    public const string AnglePrefix = "probe_angle_pair";

    public const string JacobianAsymmetry = "probe_jacobian_asymmetry";

    /// <summary>The angle between the trained update and the true gradient of layer pair <paramref name="pair"/> (1..L).</summary>
    public static string Angle(int pair) => string.Create(CultureInfo.InvariantCulture, $"{AnglePrefix}{pair}_deg");
}
