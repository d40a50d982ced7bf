using System.Net.Sockets;
using System.Security.Authentication;
using Tether.Client;
using Tether.Protocol;

namespace Tether.Cli.Client;

/// <summary>
/// What mosquitto_pub and mosquitto_sub print and return when connecting fails: the CONNACK code as exit code
/// ("Connection error: Connection Refused: not authorised." and exit 5 for 3.1.1, the 5.0 reason code otherwise),
/// and 1 with "Error: ..." when the server cannot be reached.
/// </summary>
internal static class ConnectErrors
{
    /// <summary>libmosquitto's MOSQ_ERR_TIMEOUT, which mosquitto_sub -W returns.</summary>
    public const int TimedOut = 27;

    public static int Report(Exception e, TextWriter error, bool quiet, bool isPub)
    {
        // ws:// and wss:// wrap the socket or TLS failure (WebSocketException → HttpRequestException → SocketException).
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException or AuthenticationException)
            {
                e = inner;
                break;
            }
        }

        switch (e)
        {
            case MqttConnectException refused:
                Write(error, quiet, "Connection error: " + MqttConnectException.Describe(refused.ReasonCode, refused.ProtocolVersion));
                if (isPub)
                {
                    Write(error, quiet, refused.ProtocolVersion == ProtocolVersion.V500
                        ? "Error: A network protocol error occurred when communicating with the broker."
                        : "Error: The connection was refused.");
                }

                return refused.ProtocolVersion == ProtocolVersion.V500 ? (int)refused.ReasonCode : (int)refused.ReasonCode.ToConnectReturnCode();
            case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                Write(error, quiet, "Error: Connection refused");
                return 1;
            case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                Write(error, quiet, "Error: Name or service not known");
                return 1;
            case AuthenticationException tls:
                Write(error, quiet, "Error: A TLS error occurred: " + tls.Message);
                return 1;
            default:
                Write(error, quiet, "Error: " + e.Message);
                return 1;
        }
    }

    public static void Write(TextWriter error, bool quiet, string line)
    {
        if (!quiet)
        {
            error.WriteLine(line);
        }
    }
}
