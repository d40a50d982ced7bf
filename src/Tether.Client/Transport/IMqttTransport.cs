using System.IO.Pipelines;

namespace Tether.Client.Transport;

/// <summary>One open byte stream to the server, as a pair of pipes. Disposing closes it.</summary>
internal interface IMqttTransport : IAsyncDisposable
{
    /// <summary>Bytes from the server; completes when the server or the network closes the connection.</summary>
    PipeReader Input { get; }

    /// <summary>Bytes to the server; each flush goes out as one write (one WebSocket message on ws/wss).</summary>
    PipeWriter Output { get; }

    /// <summary>Set when the server closed a WebSocket with a close frame: its status and description.</summary>
    string? CloseFrameDetail { get; }
}
