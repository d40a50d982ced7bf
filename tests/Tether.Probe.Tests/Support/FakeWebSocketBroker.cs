using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Tether.Probe;
using Tether.Protocol;

namespace Tether.Probe.Tests.Support;

/// <summary>
/// A tiny WebSocket MQTT "broker" on 127.0.0.1 for one client: does the HTTP upgrade, answers CONNECT, SUBSCRIBE and
/// (unless told not to) PINGREQ, answers a close frame with a close frame, and sends whatever raw frames a test asks
/// for — PINGs, PONGs, malformed closes — the way misbehaving brokers do.
/// </summary>
internal sealed class FakeWebSocketBroker : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly Task _serve;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Socket> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<(WebSocketOpcode Opcode, byte[] Payload)> _frames = [];
    private readonly List<PacketType> _packets = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    private FakeWebSocketBroker(BrokerBehaviour behaviour)
    {
        Behaviour = behaviour;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _serve = Task.Run(ServeAsync);
    }

    public BrokerBehaviour Behaviour { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"ws://127.0.0.1:{Port}/mqtt";

    public static FakeWebSocketBroker Start(BrokerBehaviour? behaviour = null) => new(behaviour ?? new BrokerBehaviour());

    /// <summary>Frames received from the client, unmasked.</summary>
    public IReadOnlyList<(WebSocketOpcode Opcode, byte[] Payload)> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>MQTT packet types received from the client, in order.</summary>
    public IReadOnlyList<PacketType> Packets
    {
        get
        {
            lock (_gate)
            {
                return [.. _packets];
            }
        }
    }

    /// <summary>Sends one unmasked frame with the given first byte (FIN, RSV and opcode) and payload.</summary>
    public async Task SendFrameAsync(byte firstByte, byte[] payload)
    {
        var socket = await _connected.Task.WaitAsync(Timeout);
        var header = new List<byte> { firstByte };
        if (payload.Length < 126)
        {
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add(126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }

        await socket.SendAsync((byte[])[.. header, .. payload]);
    }

    public Task SendFrameAsync(WebSocketOpcode opcode, byte[] payload) => SendFrameAsync((byte)(0x80 | (byte)opcode), payload);

    /// <summary>Closes the TCP connection without a close frame.</summary>
    public async Task DropConnectionAsync()
    {
        var socket = await _connected.Task.WaitAsync(Timeout);
        socket.Shutdown(SocketShutdown.Both);
        socket.Close();
    }

    /// <summary>Completes when <paramref name="count"/> packets of <paramref name="type"/> have arrived (bounded).</summary>
    public Task WaitForPacketsAsync(PacketType type, int count) => WaitAsync(() => _packets.Count(p => p == type) >= count, $"{count} × {type}");

    public Task WaitForFrameAsync(WebSocketOpcode opcode) => WaitAsync(() => _frames.Any(f => f.Opcode == opcode), opcode.ToString());

    private async Task WaitAsync(Func<bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The fake broker did not receive {what}; packets: {string.Join(", ", Packets)}; frames: {string.Join(", ", Frames.Select(f => f.Opcode))}");
        }
    }

    private void Signal()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition())
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    private async Task ServeAsync()
    {
        using var socket = await _listener.AcceptSocketAsync(_stop.Token);
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[8192];
        var pending = new List<byte>();
        if (!await UpgradeAsync(stream, socket, pending, buffer))
        {
            return;
        }

        _connected.TrySetResult(socket);
        var mqtt = new MqttPacketReader();
        var mqttBytes = new List<byte>();
        while (!_stop.IsCancellationRequested)
        {
            while (true)
            {
                var sequence = new ReadOnlySequence<byte>(pending.ToArray());
                var before = sequence.Length;
                if (!WebSocketFrameCodec.TryParse(ref sequence, out var frame, out _))
                {
                    break;
                }

                pending.RemoveRange(0, (int)(before - sequence.Length));
                lock (_gate)
                {
                    _frames.Add((frame!.Opcode, frame.Payload));
                    Signal();
                }

                if (frame!.Opcode == WebSocketOpcode.Close)
                {
                    if (Behaviour.AnswerClose)
                    {
                        await socket.SendAsync((byte[])[0x88, (byte)frame.Payload.Length, .. frame.Payload]);
                    }

                    socket.Shutdown(SocketShutdown.Both);
                    return;
                }

                if (frame.Opcode == WebSocketOpcode.Binary)
                {
                    mqttBytes.AddRange(frame.Payload);
                    await AnswerPacketsAsync(socket, mqtt, mqttBytes);
                }
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    private async Task AnswerPacketsAsync(Socket socket, MqttPacketReader mqtt, List<byte> mqttBytes)
    {
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(mqttBytes.ToArray());
            var before = sequence.Length;
            if (mqtt.TryRead(ref sequence, out var packet, out _) != ReadStatus.Packet)
            {
                return;
            }

            mqttBytes.RemoveRange(0, (int)(before - sequence.Length));
            lock (_gate)
            {
                _packets.Add(packet!.Type);
                Signal();
            }

            byte[]? answer = packet!.Type switch
            {
                PacketType.Connect => [0x20, 0x02, 0x00, (byte)Behaviour.ConnAckReturnCode],
                PacketType.Subscribe => [0x90, 0x03, (byte)(((SubscribePacket)packet).PacketId >> 8), (byte)((SubscribePacket)packet).PacketId, 0x00],
                PacketType.PingReq when Behaviour.AnswerPings => [0xD0, 0x00],
                _ => null,
            };
            if (answer is null)
            {
                continue;
            }

            if (packet.Type == PacketType.Connect && Behaviour.FragmentConnAck)
            {
                // CONNACK as a fragmented message: BINARY without FIN, then CONTINUATION with FIN.
                await socket.SendAsync((byte[])[0x02, 0x02, answer[0], answer[1]]);
                await socket.SendAsync((byte[])[0x80, 0x02, answer[2], answer[3]]);
            }
            else
            {
                await socket.SendAsync((byte[])[0x82, (byte)answer.Length, .. answer]);
            }

            if (packet.Type == PacketType.Subscribe && Behaviour.PublishAfterSubAck)
            {
                // A retained QoS 0 PUBLISH of "a/b" with payload "hi".
                await socket.SendAsync((byte[])[0x82, 0x09, 0x31, 0x07, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', (byte)'h', (byte)'i']);
            }
        }
    }

    private async Task<bool> UpgradeAsync(NetworkStream stream, Socket socket, List<byte> pending, byte[] buffer)
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. pending]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                pending.RemoveRange(0, end + 4);
                if (Behaviour.UpgradeStatus != 101)
                {
                    await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {Behaviour.UpgradeStatus} Not Found\r\nContent-Length: 0\r\n\r\n"));
                    socket.Shutdown(SocketShutdown.Both);
                    return false;
                }

                var key = text[..end].Split("\r\n").Select(l => l.Split(':', 2)).First(p => p[0].Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))[1].Trim();
#pragma warning disable CA5350 // RFC 6455 §4.2.2 defines the accept key with SHA-1.
                var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
                await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"));
                return true;
            }

            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return false;
            }

            pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serve.WaitAsync(Timeout);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}

/// <summary>How the fake broker behaves.</summary>
internal sealed record BrokerBehaviour
{
    public bool AnswerPings { get; init; } = true;

    public bool AnswerClose { get; init; } = true;

    public int ConnAckReturnCode { get; init; }

    public int UpgradeStatus { get; init; } = 101;

    public bool FragmentConnAck { get; init; }

    public bool PublishAfterSubAck { get; init; }
}
