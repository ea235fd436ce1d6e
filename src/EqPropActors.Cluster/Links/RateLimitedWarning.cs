using Akka.Event;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// A warning that a hostile or broken peer could trigger as often as it likes: logged at most once per
/// <paramref name="interval"/>, with the count of those left out since, so a flood of bad connections cannot flood
/// the log.
/// </summary>
internal sealed class RateLimitedWarning(ILoggingAdapter log, TimeSpan interval)
{
    private readonly object _lock = new();
    private DateTime _lastLogged = DateTime.MinValue;
    private int _suppressed;

    public int Total { get; private set; }

    public void Warn(string message)
    {
        lock (_lock)
        {
            Total++;
            var now = DateTime.UtcNow;
            if (now - _lastLogged < interval)
            {
                _suppressed++;
                return;
            }
            string more = _suppressed > 0 ? $" ({_suppressed} more like it since the last such warning)" : "";
            _lastLogged = now;
            _suppressed = 0;
            log.Warning("{0}{1}", message, more);
        }
    }
}
