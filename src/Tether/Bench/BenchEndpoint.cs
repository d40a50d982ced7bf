namespace Tether.Bench;

/// <summary>Where the broker is: TCP (<c>mqtt://host:port</c>) or WebSocket (<c>ws://host:port/path</c>).</summary>
internal sealed record BenchEndpoint(string Host, int Port, Uri? WebSocketUri)
{
    public bool IsWebSocket => WebSocketUri is not null;

    /// <summary>Parses <c>mqtt://host[:port]</c>, <c>tcp://host[:port]</c> or <c>ws://host[:port][/path]</c>.</summary>
    public static bool TryParse(string url, out BenchEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            error = $"'{url}' is not a URL such as mqtt://127.0.0.1:1883 or ws://127.0.0.1:9001/mqtt.";
            return false;
        }

        switch (uri.Scheme)
        {
            case "mqtt" or "tcp":
                endpoint = new BenchEndpoint(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port, null);
                return true;
            case "ws":
                var port = uri.IsDefaultPort ? 80 : uri.Port;
                var path = uri.AbsolutePath == "/" ? "/mqtt" : uri.AbsolutePath;
                endpoint = new BenchEndpoint(uri.Host, port, new UriBuilder("ws", uri.Host, port, path).Uri);
                return true;
            default:
                error = $"Unsupported scheme '{uri.Scheme}': use mqtt:// (TCP) or ws:// (WebSocket).";
                return false;
        }
    }

    public override string ToString() => WebSocketUri?.ToString() ?? $"mqtt://{Host}:{Port}";
}
