namespace Tether.Probe;

/// <summary>Which client the probe imitates when it judges WebSocket frames.</summary>
internal enum ProbeProfile
{
    /// <summary>
    /// Like Paho Java 1.1.0–1.2.5's WebSocket reader: any frame but BINARY (opcode 2) or CLOSE (opcode 8) is fatal.
    /// The probe records it, does not answer a PING (Paho never does) and keeps going to see what else happens.
    /// </summary>
    StrictWebSocket,

    /// <summary>A client that follows RFC 6455: answers PING with PONG and accepts every frame.</summary>
    Lenient,
}

/// <summary>The names used on the command line and in JSON.</summary>
internal static class ProbeProfileNames
{
    public const string StrictWebSocket = "strict-websocket";
    public const string Lenient = "lenient";

    public static string Name(ProbeProfile profile) => profile == ProbeProfile.StrictWebSocket ? StrictWebSocket : Lenient;
}
