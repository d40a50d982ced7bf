using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using Tether.Protocol;

namespace Tether.Probe;

/// <summary>
/// One probe run: connect, subscribe, hold the connection for the duration sending PINGREQ at the keep alive, record
/// every frame and packet the broker sends, then close and judge. One loop owns all state and all writes; a
/// <see cref="ProbeReader"/> feeds it. Every deadline is absolute on the injected <see cref="TimeProvider"/>, so a
/// test can drive a ten-minute run with a fake clock and each step lands on the same second every time.
/// </summary>
internal sealed partial class ProbeEngine
{
    private readonly ProbeOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<ProbeInput> _inputs = Channel.CreateUnbounded<ProbeInput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<ProbeEvent> _events = [];
    private readonly List<ProbeFinding> _findings = [];
    private long _startTimestamp;
    private Stream? _stream;
    private Task _reader = Task.CompletedTask;
    private TimeSpan _keepAlive;
    private int _pingsSent;
    private int _pingsAnswered;
    private TimeSpan? _pingOutstandingSince;
    private ushort _nextPacketId = 1;
    private WebSocketOpcode? _fragmentedMessage;

    /// <summary>The broker ended the connection (close frame, DISCONNECT, EOF, reset, undecodable bytes).</summary>
    private bool _ended;
    private string? _endReason;
    private double _endSeconds;
    private bool _closing;
    private bool _closeFrameSent;
    private string? _certificateProblem;

    public ProbeEngine(ProbeOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _keepAlive = options.KeepAlive;
    }

    /// <summary>Called on the engine's loop for every event as it is recorded (tests wait on it; keep it quick).</summary>
    public Action<ProbeEvent>? EventRecorded { get; init; }

    /// <summary>Seconds since the connection was opened (for a progress line; safe from any thread).</summary>
    public double ElapsedSeconds => Volatile.Read(ref _startTimestamp) == 0 ? 0 : Now.TotalSeconds;

    /// <summary>PINGRESPs received for our PINGREQs so far (safe from any thread).</summary>
    public int PingsAnswered => Volatile.Read(ref _pingsAnswered);

    /// <summary>The latest finding's message, for a progress line (safe from any thread).</summary>
    public string? LatestProblem { get; private set; }

    private TimeSpan Now => _time.GetElapsedTime(_startTimestamp);

    private bool IsWebSocket => _options.Target.UseWebSocket;

    private bool IsStrict => IsWebSocket && _options.Profile == ProbeProfile.StrictWebSocket;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _startTimestamp, _time.GetTimestamp());
        try
        {
            try
            {
                await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ProbeConnectException e)
            {
                return Result(ProbeOutcome.ConnectFailed, e.Message, held: Now.TotalSeconds);
            }

            var interrupted = !await HoldAsync(cancellationToken).ConfigureAwait(false);
            var held = _ended ? _endSeconds : Now.TotalSeconds;
            if (!_ended)
            {
                await CloseAsync().ConfigureAwait(false);
            }

            var (outcome, verdict) = ProbeVerdict.Decide(_options, _findings, held, _pingsSent, _pingsAnswered, interrupted);
            return Result(outcome, verdict, held);
        }
        finally
        {
            await DisposeStreamAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The hold phase; false when cancelled (Ctrl+C) before the duration was over.</summary>
    private async Task<bool> HoldAsync(CancellationToken cancellationToken)
    {
        var duration = _options.Duration;
        var nextPing = _keepAlive > TimeSpan.Zero ? _keepAlive : TimeSpan.MaxValue;
        while (!_ended)
        {
            var now = Now;
            if (_pingOutstandingSince is { } sentAt && now >= sentAt + _keepAlive)
            {
                RecordMissingPingResponse(sentAt);
            }

            // PINGREQ on a fixed schedule from the connection's start, the last one at the end of the duration: its
            // answer is waited for (up to one keep alive) so that a run of 600 s at 60 s counts 10 round trips.
            if (now >= nextPing && nextPing <= duration)
            {
                await SendPingAsync().ConfigureAwait(false);
                nextPing += _keepAlive;
                continue;
            }

            if (now >= duration && _pingOutstandingSince is null)
            {
                return true;
            }

            var due = now < duration ? duration : TimeSpan.MaxValue;
            if (nextPing <= duration && nextPing < due)
            {
                due = nextPing;
            }

            if (_pingOutstandingSince is { } outstanding && outstanding + _keepAlive < due)
            {
                due = outstanding + _keepAlive;
            }

            var input = await NextInputAsync(due, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (input is not null)
            {
                await HandleAsync(input).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>The next input, or null when <paramref name="wait"/> passed (or the run was cancelled) first.</summary>
    /// <summary>The next input, or null once <paramref name="deadline"/> (time since the start) has passed.</summary>
    private async Task<ProbeInput?> NextInputAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        if (_inputs.Reader.TryRead(out var ready))
        {
            return ready;
        }

        var forever = deadline == TimeSpan.MaxValue;
        var wait = forever ? Timeout.InfiniteTimeSpan : deadline - Now;
        if (!forever && wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timer = forever ? new CancellationTokenSource() : new CancellationTokenSource(wait, _time);

        // The clock can move between reading it and starting the timer (a test's fake clock does): a timer started
        // late would wait a whole extra interval past a deadline that has already come.
        if (!forever && Now >= deadline)
        {
            return null;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            return await _inputs.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Our side of the end: DISCONNECT, then (WebSocket) a close frame 1000, then the broker's answer.</summary>
    private async Task CloseAsync()
    {
        _closing = true;
        await SendPacketAsync(new DisconnectPacket(), "normal disconnection").ConfigureAwait(false);
        if (IsWebSocket && !_ended)
        {
            await SendCloseFrameAsync(1000).ConfigureAwait(false);
        }

        // Wait (bounded) for the broker's close frame or EOF, so its answer is on the timeline too.
        var deadline = Now + _options.ConnectTimeout;
        while (!_ended)
        {
            var input = await NextInputAsync(deadline, CancellationToken.None).ConfigureAwait(false);
            if (input is null)
            {
                Record(ProbeDirection.Local, ProbeLayer.Tcp, "close", $"no answer to our close within {_options.ConnectTimeout.TotalSeconds:0.#} s; closing the socket");
                return;
            }

            await HandleAsync(input).ConfigureAwait(false);
        }
    }

    private async Task SendPingAsync()
    {
        if (_pingOutstandingSince is null)
        {
            _pingOutstandingSince = Now;
        }

        _pingsSent++;
        await SendPacketAsync(PingReqPacket.Instance, string.Empty).ConfigureAwait(false);
    }

    private void RecordMissingPingResponse(TimeSpan sentAt)
    {
        _pingOutstandingSince = null;
        var message = string.Create(CultureInfo.InvariantCulture,
            $"no PINGRESP within the keep alive ({_keepAlive.TotalSeconds:0.#} s) for the PINGREQ sent at {sentAt.TotalSeconds:0.0} s: clients close the connection here (Paho: \"Timed out waiting for a response from the server (32000)\")");
        AddFinding(ProbeFindingKind.PingResponseMissing, message);
        Record(ProbeDirection.Local, ProbeLayer.Mqtt, "PINGRESP missing", string.Empty, message);
    }

    /// <summary>Encodes and sends one MQTT packet (inside a binary frame over WebSocket) and records it.</summary>
    private async Task SendPacketAsync(MqttPacket packet, string detail)
    {
        var encoded = new ArrayBufferWriter<byte>(64);
        MqttPacketWriter.Write(encoded, packet, _options.ProtocolVersion);
        var bytes = IsWebSocket ? WebSocketFrameCodec.Encode(WebSocketOpcode.Binary, encoded.WrittenSpan) : encoded.WrittenSpan.ToArray();
        Record(ProbeDirection.Sent, ProbeLayer.Mqtt, MosquittoPacketText.Name(packet.Type), detail);
        await WriteAsync(bytes).ConfigureAwait(false);
    }

    private async Task SendFrameAsync(WebSocketOpcode opcode, byte[] payload, string detail)
    {
        Record(ProbeDirection.Sent, ProbeLayer.WebSocket, WebSocketOpcodeNames.Name(opcode), detail);
        await WriteAsync(WebSocketFrameCodec.Encode(opcode, payload)).ConfigureAwait(false);
    }

    private async Task SendCloseFrameAsync(int code)
    {
        if (_closeFrameSent)
        {
            return;
        }

        _closeFrameSent = true;
        var payload = new byte[] { (byte)(code >> 8), (byte)code };
        await SendFrameAsync(WebSocketOpcode.Close, payload, "code " + WebSocketCloseFrame.Describe(code)).ConfigureAwait(false);
    }

    private async Task WriteAsync(byte[] bytes)
    {
        if (_stream is null || _ended)
        {
            return;
        }

        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The reader reports how the connection ended; this only notes the failed write.
            Record(ProbeDirection.Local, ProbeLayer.Tcp, "write failed", e.Message);
        }
    }

    /// <summary>The broker ended the connection (or made it unusable); stops the hold loop.</summary>
    private void EndConnection(string reason, bool isFinding)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _endReason = reason;
        _endSeconds = Now.TotalSeconds;
        if (isFinding && !_closing)
        {
            AddFinding(ProbeFindingKind.Closed, reason);
        }
    }

    private void AddFinding(ProbeFindingKind kind, string message)
    {
        var finding = new ProbeFinding(Now.TotalSeconds, kind, message);
        _findings.Add(finding);
        if (finding.IsFailure)
        {
            LatestProblem = message;
        }
    }

    private void Record(ProbeDirection direction, ProbeLayer layer, string name, string detail, string? problem = null)
    {
        var recorded = new ProbeEvent(Now.TotalSeconds, direction, layer, name, detail, problem);
        _events.Add(recorded);
        EventRecorded?.Invoke(recorded);
    }

    private static string Seconds(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private ProbeResult Result(ProbeOutcome outcome, string verdict, double held) => new()
    {
        Options = _options,
        Outcome = outcome,
        Verdict = verdict,
        Events = [.. _events],
        Findings = [.. _findings],
        HeldSeconds = held,
        PingsSent = _pingsSent,
        PingsAnswered = _pingsAnswered,
    };

    private async Task DisposeStreamAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        // The reader ends on the disposed stream; bounded so that a wedged socket cannot hang the command.
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
