namespace Tether.Probe;

/// <summary>WebSocket frame opcodes (RFC 6455 §5.2); the values 3–7 and 11–15 are reserved.</summary>
internal enum WebSocketOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

/// <summary>Names of opcodes as the probe prints them.</summary>
internal static class WebSocketOpcodeNames
{
    public static string Name(WebSocketOpcode opcode) => opcode switch
    {
        WebSocketOpcode.Continuation => "CONTINUATION",
        WebSocketOpcode.Text => "TEXT",
        WebSocketOpcode.Binary => "BINARY",
        WebSocketOpcode.Close => "CLOSE",
        WebSocketOpcode.Ping => "PING",
        WebSocketOpcode.Pong => "PONG",
        _ => $"reserved opcode 0x{(byte)opcode:X}",
    };

    /// <summary>Control frames have the high bit of the opcode set (RFC 6455 §5.5).</summary>
    public static bool IsControl(WebSocketOpcode opcode) => ((byte)opcode & 0x8) != 0;
}
