using System.Globalization;
using System.Text;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// <c>$SYS/broker/...</c>: Mosquitto's topic names and value formats, published retained every
/// <c>sys_interval</c> seconds, so dashboards built for Mosquitto read Tether unchanged.
/// </summary>
public sealed partial class MqttBroker
{
    private static readonly (string Suffix, double Minutes)[] LoadWindows = [("1min", 1), ("5min", 5), ("15min", 15)];
    private readonly Dictionary<string, double> _loadAverages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastTotals = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSys;

    private void PublishSys(DateTimeOffset now)
    {
        var stats = Statistics;
        var uptime = (long)(now - StartedAt).TotalSeconds;
        SysValue("version", Options.VersionString);
        SysValue("uptime", uptime.ToString(CultureInfo.InvariantCulture) + " seconds");
        var connected = stats.ClientsConnected;
        var disconnected = Math.Max(0, _sessions.Count - connected);
        SysNumber("clients/connected", connected);
        SysNumber("clients/active", connected);
        SysNumber("clients/disconnected", disconnected);
        SysNumber("clients/inactive", disconnected);
        SysNumber("clients/total", connected + disconnected);
        SysNumber("clients/maximum", stats.ClientsMaximum);
        SysNumber("messages/received", stats.MessagesReceived);
        SysNumber("messages/sent", stats.MessagesSent);
        SysNumber("messages/stored", _retained.Count);
        SysNumber("store/messages/count", _retained.Count);
        SysNumber("publish/messages/received", stats.PublishReceived);
        SysNumber("publish/messages/sent", stats.PublishSent);
        SysNumber("publish/messages/dropped", stats.MessagesDropped);
        SysNumber("bytes/received", stats.BytesReceived);
        SysNumber("bytes/sent", stats.BytesSent);
        SysNumber("subscriptions/count", _router.Subscriptions.Count);
        SysNumber("retained messages/count", _retained.Count);
        foreach (var reason in DisconnectReasons.All)
        {
            SysNumber("disconnects/" + DisconnectReasons.Name(reason), stats.Disconnects(reason));
        }

        var seconds = _lastSys is { } last ? (now - last).TotalSeconds : 0;
        _lastSys = now;
        Load("messages/received", stats.MessagesReceived, seconds);
        Load("messages/sent", stats.MessagesSent, seconds);
        Load("publish/received", stats.PublishReceived, seconds);
        Load("publish/sent", stats.PublishSent, seconds);
        Load("publish/dropped", stats.MessagesDropped, seconds);
        Load("bytes/received", stats.BytesReceived, seconds);
        Load("bytes/sent", stats.BytesSent, seconds);
        Load("connections", stats.ConnectionsTotal, seconds);
    }

    /// <summary>
    /// Mosquitto's load figures: per-minute rates smoothed as exponentially weighted moving averages over 1, 5
    /// and 15 minutes, like the Unix load average.
    /// </summary>
    private void Load(string name, long total, double intervalSeconds)
    {
        var previous = _lastTotals.TryGetValue(name, out var p) ? p : total;
        _lastTotals[name] = total;
        var perMinute = intervalSeconds > 0 ? (total - previous) * 60.0 / intervalSeconds : 0;
        foreach (var (suffix, minutes) in LoadWindows)
        {
            var key = name + "/" + suffix;
            var decay = Math.Exp(-intervalSeconds / (minutes * 60));
            var average = _loadAverages.TryGetValue(key, out var old) ? old * decay + perMinute * (1 - decay) : perMinute;
            _loadAverages[key] = average;
            SysValue("load/" + key, average.ToString("0.00", CultureInfo.InvariantCulture));
        }
    }

    private void SysNumber(string name, long value) => SysValue(name, value.ToString(CultureInfo.InvariantCulture));

    private void SysValue(string name, string value) =>
        Publish(ApplicationMessage.Create("$SYS/broker/" + name, Encoding.UTF8.GetBytes(value), QualityOfService.AtMostOnce, retain: true));
}
