namespace Tether.Client.Transport;

/// <summary>Opens the transport an <see cref="MqttClientOptions"/> asks for.</summary>
internal static class MqttTransportFactory
{
    /// <summary>Default ports: 1883 for MQTT over TCP, 8883 for MQTT over TLS (IANA registrations).</summary>
    private const int MqttPort = 1883;
    private const int MqttTlsPort = 8883;

    public static Task<IMqttTransport> ConnectAsync(MqttClientOptions options, CancellationToken cancellationToken)
    {
        if (options.Uri is { } uri)
        {
            return uri.Scheme.ToUpperInvariant() switch
            {
                "WS" => WebSocketAsync(uri, null, cancellationToken),
                "WSS" => WebSocketAsync(uri, options.Tls, cancellationToken),
                "MQTT" or "TCP" => StreamAsync(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? MqttPort : uri.Port, null, options.BindAddress, cancellationToken),
                "MQTTS" or "SSL" or "TLS" => StreamAsync(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? MqttTlsPort : uri.Port, options.Tls, options.BindAddress, cancellationToken),
                _ => throw new ArgumentException($"Unsupported URI scheme '{uri.Scheme}': use mqtt, mqtts, ws or wss.", nameof(options)),
            };
        }

        var port = options.Port > 0 ? options.Port : options.UseTls ? MqttTlsPort : MqttPort;
        return StreamAsync(options.Host, port, options.UseTls ? options.Tls : null, options.BindAddress, cancellationToken);
    }

    private static async Task<IMqttTransport> StreamAsync(string host, int port, MqttTlsOptions? tls, System.Net.IPAddress? bindAddress, CancellationToken cancellationToken) =>
        await StreamTransport.ConnectAsync(host, port, tls, bindAddress, cancellationToken).ConfigureAwait(false);

    private static async Task<IMqttTransport> WebSocketAsync(Uri uri, MqttTlsOptions? tls, CancellationToken cancellationToken) =>
        await WebSocketTransport.ConnectAsync(uri, tls, cancellationToken).ConfigureAwait(false);
}
