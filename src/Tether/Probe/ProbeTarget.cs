namespace Tether.Probe;

/// <summary>Where the probe connects, parsed from a URL: mqtt://, mqtts://, ws:// or wss://.</summary>
/// <param name="Url">The URL as given.</param>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port (the scheme's default when the URL has none).</param>
/// <param name="UseTls">mqtts:// and wss://.</param>
/// <param name="UseWebSocket">ws:// and wss://.</param>
/// <param name="Path">The HTTP path of the upgrade request (WebSocket only).</param>
internal sealed record ProbeTarget(string Url, string Host, int Port, bool UseTls, bool UseWebSocket, string Path)
{
    /// <summary>Parses a URL; returns null with an error message when it is not one the probe understands.</summary>
    public static ProbeTarget? TryParse(string url, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"\"{url}\" is not a URL; use mqtt://host:1883, mqtts://host:8883, ws://host:9001/mqtt or wss://host/mqtt";
            return null;
        }

        // Default ports: MQTT's IANA ports for mqtt(s), HTTP's for ws(s) as in any WebSocket URL (RFC 6455 §3).
        var (tls, webSocket, defaultPort) = uri.Scheme switch
        {
            "mqtt" or "tcp" => (false, false, 1883),
            "mqtts" or "ssl" => (true, false, 8883),
            "ws" => (false, true, 80),
            "wss" => (true, true, 443),
            _ => (false, false, -1),
        };
        if (defaultPort < 0)
        {
            error = $"unknown scheme \"{uri.Scheme}\"; use mqtt://, mqtts://, ws:// or wss://";
            return null;
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port;
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        var path = string.IsNullOrEmpty(uri.PathAndQuery) ? "/" : uri.PathAndQuery;
        return new ProbeTarget(url, host, port, tls, webSocket, path);
    }

    /// <summary>The Host header of the upgrade request.</summary>
    public string HostHeader => (Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port;
}
