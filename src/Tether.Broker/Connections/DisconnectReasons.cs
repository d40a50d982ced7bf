namespace Tether.Broker;

/// <summary>Names and descriptions of <see cref="DisconnectReason"/> for logs, <c>$SYS</c> and metrics.</summary>
public static class DisconnectReasons
{
    private static readonly string[] Names = BuildNames();

    /// <summary>Every reason a connection can end with (all but <see cref="DisconnectReason.None"/>).</summary>
    public static IReadOnlyList<DisconnectReason> All { get; } = [.. Enum.GetValues<DisconnectReason>().Where(r => r != DisconnectReason.None)];

    /// <summary>The lowercase-hyphen name used in <c>$SYS/broker/disconnects/&lt;name&gt;</c>, e.g. <c>keepalive-timeout</c>.</summary>
    public static string Name(DisconnectReason reason) => (uint)reason < (uint)Names.Length ? Names[(int)reason] : reason.ToString().ToLowerInvariant();

    /// <summary>Who ended a connection that ended for <paramref name="reason"/>.</summary>
    public static DisconnectInitiator Initiator(DisconnectReason reason) => reason switch
    {
        DisconnectReason.ClientDisconnect or DisconnectReason.ClientDisconnectWithWill or DisconnectReason.ClientDisconnectWithError
            or DisconnectReason.SocketClosed or DisconnectReason.WebSocketClose => DisconnectInitiator.Client,
        DisconnectReason.SocketError => DisconnectInitiator.Network,
        _ => DisconnectInitiator.Broker,
    };

    /// <summary>A short description for the disconnect log line.</summary>
    public static string Describe(DisconnectReason reason) => reason switch
    {
        DisconnectReason.ClientDisconnect => "client sent DISCONNECT",
        DisconnectReason.ClientDisconnectWithWill => "client sent DISCONNECT asking for its will",
        DisconnectReason.ClientDisconnectWithError => "client sent DISCONNECT with an error",
        DisconnectReason.SocketClosed => "socket closed by the client without DISCONNECT",
        DisconnectReason.SocketError => "socket error",
        DisconnectReason.WebSocketClose => "WebSocket close frame from the client without DISCONNECT",
        DisconnectReason.KeepAliveTimeout => "keep alive timeout",
        DisconnectReason.ConnectTimeout => "no CONNECT received in time",
        DisconnectReason.ProtocolError => "protocol error",
        DisconnectReason.SessionTakenOver => "session taken over",
        DisconnectReason.ConnectRefused => "CONNECT refused",
        DisconnectReason.ServerShutdown => "server shutting down",
        DisconnectReason.Overload => "overloaded",
        _ => reason.ToString(),
    };

    private static string[] BuildNames()
    {
        var values = Enum.GetValues<DisconnectReason>();
        var names = new string[values.Length];
        foreach (var value in values)
        {
            names[(int)value] = value switch
            {
                DisconnectReason.KeepAliveTimeout => "keepalive-timeout",
                DisconnectReason.WebSocketClose => "websocket-close",
                _ => Hyphenate(value.ToString()),
            };
        }

        return names;
    }

    private static string Hyphenate(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
