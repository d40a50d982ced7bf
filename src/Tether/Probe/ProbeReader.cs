using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Tether.Protocol;

namespace Tether.Probe;

/// <summary>
/// Reads the broker's byte stream and hands the engine every WebSocket frame (any opcode) and every MQTT packet, in
/// arrival order. Binary and continuation payloads are one byte stream for MQTT, so a packet split across frames
/// or several packets in one frame are both decoded. It never writes; the engine answers.
/// </summary>
internal sealed class ProbeReader(Stream stream, bool webSocket, ProtocolVersion version, ChannelWriter<ProbeInput> output)
{
    private readonly ByteQueue _frameBytes = new();
    private readonly ByteQueue _mqttBytes = new();
    private readonly MqttPacketReader _mqtt = new(version);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // The engine closed the stream.
            }
            catch (IOException e)
            {
                var reset = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted };
                output.TryWrite(new EndInput(reset, reset ? null : e.Message));
                return;
            }

            if (read == 0)
            {
                output.TryWrite(new EndInput(Reset: false, Error: null));
                return;
            }

            var data = buffer.AsSpan(0, read);
            if (!(webSocket ? ConsumeFrames(data) : ConsumeMqtt(data)))
            {
                return;
            }
        }
    }

    private bool ConsumeFrames(ReadOnlySpan<byte> data)
    {
        _frameBytes.Append(data);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_frameBytes.Memory);
            var before = sequence.Length;
            if (!WebSocketFrameCodec.TryParse(ref sequence, out var frame, out var error))
            {
                if (error is null)
                {
                    return true;
                }

                output.TryWrite(new ViolationInput(ProbeLayer.WebSocket, error));
                return false;
            }

            _frameBytes.Consume((int)(before - sequence.Length));
            output.TryWrite(new FrameInput(frame!));
            if (frame!.Opcode is WebSocketOpcode.Binary or WebSocketOpcode.Continuation && !ConsumeMqtt(frame.Payload))
            {
                return false;
            }
        }
    }

    private bool ConsumeMqtt(ReadOnlySpan<byte> data)
    {
        _mqttBytes.Append(data);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_mqttBytes.Memory);
            var before = sequence.Length;
            switch (_mqtt.TryRead(ref sequence, out var packet, out var error))
            {
                case ReadStatus.NeedMoreData:
                    return true;
                case ReadStatus.Error:
                    output.TryWrite(new ViolationInput(ProbeLayer.Mqtt, "the broker sent a malformed MQTT packet: " + error));
                    return false;
                default:
                    // Describe before consuming: PUBLISH and acks are slices of this buffer.
                    output.TryWrite(ProbePacketText.Describe(packet!, version));
                    _mqttBytes.Consume((int)(before - sequence.Length));
                    break;
            }
        }
    }

    /// <summary>A growable FIFO of bytes: append at the end, consume from the front.</summary>
    private sealed class ByteQueue
    {
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(_start, _end - _start);

        public void Append(ReadOnlySpan<byte> data)
        {
            if (_end + data.Length > _buffer.Length)
            {
                var length = _end - _start;
                var target = length + data.Length > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, length + data.Length)] : _buffer;
                _buffer.AsSpan(_start, length).CopyTo(target);
                _buffer = target;
                _start = 0;
                _end = length;
            }

            data.CopyTo(_buffer.AsSpan(_end));
            _end += data.Length;
        }

        public void Consume(int count)
        {
            _start += count;
            if (_start == _end)
            {
                _start = _end = 0;
            }
        }
    }
}
