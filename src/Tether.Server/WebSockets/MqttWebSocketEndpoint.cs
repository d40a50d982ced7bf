using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tether.Broker;

namespace Tether.Server;

/// <summary>
/// The HTTP side of WebSocket listeners: takes the upgrade on any path, negotiates the MQTT subprotocol and hands
/// the WebSocket to the broker. Kestrel runs one HTTP pipeline for all HTTP listeners; a connection middleware on
/// each WebSocket listener puts its <see cref="ListenerOptions"/> into the connection's items, which is how a
/// request finds its listener.
/// </summary>
internal sealed class MqttWebSocketEndpoint
{
    /// <summary>The subprotocols MQTT clients offer: <c>mqtt</c> (3.1.1 and 5.0) and <c>mqttv3.1</c> (3.1).</summary>
    private static readonly string[] SupportedSubProtocols = ["mqtt", "mqttv3.1"];

    private readonly MqttBroker _broker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public MqttWebSocketEndpoint(MqttBroker broker, TimeProvider time, ILogger logger)
    {
        _broker = broker;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The WebSocket middleware's options. <see cref="WebSocketOptions.KeepAliveInterval"/> is zero: ASP.NET Core's
    /// default (2 minutes) sends unsolicited control frames, and Paho Java drops the connection on any frame that is
    /// not binary or close. MQTT keep alive is the liveness check; <c>websockets_ping_interval</c> opts in per listener.
    /// </summary>
    internal static WebSocketOptions Options { get; } = new() { KeepAliveInterval = TimeSpan.Zero };

    /// <summary>The key of the listener in the connection's items.</summary>
    internal static readonly object ListenerKey = new();

    public async Task HandleAsync(HttpContext context)
    {
        var listener = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ListenerKey, out var item) == true
            ? (ListenerOptions)item!
            : null;
        var address = RemoteAddress(context);
        if (listener is null)
        {
            // Not a WebSocket listener (no other listener speaks HTTP today).
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            WebSocketLog.NotAnUpgrade(_logger, context.Request.Method, context.Request.Path.Value ?? "/", address, listener.Name);
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            context.Response.Headers.Connection = "Upgrade";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("This is an MQTT over WebSocket endpoint: connect with a WebSocket (subprotocol mqtt).\n").ConfigureAwait(false);
            return;
        }

        var subProtocol = ChooseSubProtocol(context.WebSockets.WebSocketRequestedProtocols);
        if (subProtocol is null && context.WebSockets.WebSocketRequestedProtocols.Count > 0)
        {
            WebSocketLog.NoMqttSubProtocol(_logger, address, string.Join(", ", context.WebSockets.WebSocketRequestedProtocols));
        }

        var accept = new WebSocketAcceptContext { SubProtocol = subProtocol, KeepAliveInterval = listener.WebSocketPingInterval };
        if (listener.WebSocketPingInterval > TimeSpan.Zero)
        {
            // With a timeout .NET sends real PINGs (and drops a client that does not answer); without one it sends
            // unsolicited PONGs. An operator who turns pings on wants the former.
            accept.KeepAliveTimeout = listener.WebSocketPingInterval * 2;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(accept).ConfigureAwait(false);
        WebSocketLog.Accepted(_logger, address, listener.Name, context.Request.Path.Value ?? "/", subProtocol ?? "(none)");
        var transport = new WebSocketTransport(socket, _time, _logger, address);
        var info = new Tether.Broker.ConnectionInfo(context.Connection.Id, Endpoint(context.Connection.RemoteIpAddress, context.Connection.RemotePort),
            Endpoint(context.Connection.LocalIpAddress, context.Connection.LocalPort), listener.Name)
        {
            CloseFeature = transport,
            UserNameFromCertificate = listener.UserNameFromCertificate,
            CertificateUserName = CertificateUserName.For(listener, context.Connection.ClientCertificate),
        };
        await transport.RunAsync(pipe => _broker.RunConnectionAsync(pipe, info, context.RequestAborted)).ConfigureAwait(false);
    }

    /// <summary>The first subprotocol the client offers that MQTT uses; null when it offers none of them.</summary>
    internal static string? ChooseSubProtocol(IList<string> offered)
    {
        foreach (var candidate in offered)
        {
            foreach (var supported in SupportedSubProtocols)
            {
                if (string.Equals(candidate, supported, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static System.Net.IPEndPoint? Endpoint(System.Net.IPAddress? address, int port) => address is null ? null : new(address, port);

    private static string RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress is { } ip
        ? $"{(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip)}:{context.Connection.RemotePort}"
        : "unknown";
}
