using System.Diagnostics;
using System.Globalization;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// How one eqprop starts another (test and benchmark workers, a study's runs): the same eqprop.dll under the dotnet
/// host, output captured, and EQPROP_PARENT_PID set so that the child stops when its parent is gone, however that
/// one ended.
/// </summary>
public static class EqpropChildProcess
{
    public static ProcessStartInfo StartInfo(string eqpropAssembly, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(eqpropAssembly);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment[LocalWorkers.ParentProcessVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        return info;
    }
}
