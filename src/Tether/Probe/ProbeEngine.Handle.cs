using System.Globalization;
using System.Text;
using Tether.Protocol;

namespace Tether.Probe;

internal sealed partial class ProbeEngine
{
    /// <summary>What Paho Java 1.1.0–1.2.5 does with a frame that is neither BINARY nor CLOSE.</summary>
    private const string PahoDropsHere = "Paho Java ≤ 1.2.5 and other clients that reject control frames disconnect here (Paho reports \"Connection lost (32109) - java.io.EOFException\")";

    private async Task HandleAsync(ProbeInput input)
    {
        switch (input)
        {
            case FrameInput frame:
                await HandleFrameAsync(frame.Frame).ConfigureAwait(false);
                break;
            case PacketInput packet:
                await HandlePacketAsync(packet).ConfigureAwait(false);
                break;
            case EndInput end:
                HandleEnd(end);
                break;
            case ViolationInput violation:
                AddFinding(ProbeFindingKind.ProtocolViolation, violation.Description);
                Record(ProbeDirection.Received, violation.Layer, "undecodable", violation.Description, violation.Description);
                EndConnection(violation.Description, isFinding: false);
                break;
        }
    }

    private async Task HandleFrameAsync(WebSocketFrame frame)
    {
        var at = Seconds(Now.TotalSeconds);
        var name = WebSocketOpcodeNames.Name(frame.Opcode);
        var problems = new List<string>();

        // RFC 6455 checks that apply whatever the client: every one of these makes a conforming client fail the connection.
        if (frame.Masked)
        {
            problems.Add("masked (a server must not mask, RFC 6455 §5.1)");
        }

        if (frame.ReservedBits != 0)
        {
            problems.Add("reserved bits set without a negotiated extension (RFC 6455 §5.2)");
        }

        if (WebSocketOpcodeNames.IsControl(frame.Opcode) && (!frame.Fin || frame.Payload.Length > 125))
        {
            problems.Add("a fragmented or over-long control frame (RFC 6455 §5.5)");
        }

        if (frame.Opcode == WebSocketOpcode.Continuation && _fragmentedMessage is null)
        {
            problems.Add("a continuation frame outside a fragmented message (RFC 6455 §5.4)");
        }
        else if (frame.Opcode is WebSocketOpcode.Binary or WebSocketOpcode.Text && _fragmentedMessage is not null)
        {
            problems.Add("a new message before the fragmented one ended (RFC 6455 §5.4)");
        }

        if (frame.Opcode is WebSocketOpcode.Binary or WebSocketOpcode.Text or WebSocketOpcode.Continuation)
        {
            _fragmentedMessage = frame.Fin ? null : (_fragmentedMessage ?? frame.Opcode);
        }

        string? fatal = null;
        var fatalForProfile = IsStrict && frame.Opcode is not (WebSocketOpcode.Binary or WebSocketOpcode.Close);
        switch (frame.Opcode)
        {
            case WebSocketOpcode.Binary or WebSocketOpcode.Continuation:
                if (frame.Opcode == WebSocketOpcode.Binary && frame.Fin)
                {
                    break;
                }

                // A fragmented message: Paho reads every frame as a whole message and fails on the continuation.
                if (frame.Opcode == WebSocketOpcode.Continuation && IsStrict)
                {
                    fatal = $"the broker fragmented a WebSocket message (CONTINUATION frame at {at}): Paho Java ≤ 1.2.5 disconnects here, it only accepts whole BINARY frames";
                }

                break;
            case WebSocketOpcode.Ping:
                if (fatalForProfile)
                {
                    fatal = $"the broker sent a WebSocket PING at {at}: {PahoDropsHere}";
                }
                else
                {
                    AddFinding(ProbeFindingKind.ToleratedControlFrame, $"the broker sent a WebSocket PING at {at} (answered with PONG); {PahoDropsHere} — see --profile {ProbeProfileNames.StrictWebSocket}");
                }

                break;
            case WebSocketOpcode.Pong:
                var what = $"the broker sent an unsolicited WebSocket PONG at {at}";
                if (fatalForProfile)
                {
                    fatal = $"{what}: {PahoDropsHere}";
                }
                else
                {
                    AddFinding(ProbeFindingKind.ToleratedControlFrame, $"{what} (ignored, RFC 6455 §5.5.3 allows it); {PahoDropsHere} — see --profile {ProbeProfileNames.StrictWebSocket}");
                }

                break;
            case WebSocketOpcode.Text:
                // [MQTT-6.0.0-1]: MQTT goes in binary frames; a text frame closes the connection in any MQTT client.
                fatal = $"the broker sent a WebSocket TEXT frame at {at}: MQTT clients must close the connection on it [MQTT-6.0.0-1]{(IsStrict ? ", and Paho Java ≤ 1.2.5 does" : string.Empty)}";
                break;
            case WebSocketOpcode.Close:
                break;
            default:
                fatal = $"the broker sent a frame with {name} at {at}: RFC 6455 §5.2 makes every client fail the connection{(IsStrict ? ", Paho Java ≤ 1.2.5 included" : string.Empty)}";
                break;
        }

        var detail = FrameDetail(frame);
        WebSocketCloseFrame? close = null;
        if (frame.Opcode == WebSocketOpcode.Close)
        {
            close = WebSocketCloseFrame.Parse(frame.Payload);
            detail = close.Problem is null ? close.Summary() : close.Summary() + ", payload " + detail;
        }

        foreach (var problem in problems)
        {
            AddFinding(ProbeFindingKind.ProtocolViolation, $"the broker sent a {name} frame at {at} that is {problem}");
        }

        if (fatal is not null)
        {
            AddFinding(IsStrict ? ProbeFindingKind.FatalFrame : ProbeFindingKind.ProtocolViolation, fatal);
        }

        // Whole binary frames only carry the MQTT packets that follow on the timeline: not a finding, not a line of their own.
        if (close?.Problem is { } malformed)
        {
            // Reported with the close itself (see HandleCloseFrameAsync), so only the event carries it here.
            problems.Add("a malformed close frame: " + malformed);
        }

        var problemText = fatal ?? (problems.Count > 0 ? string.Join("; ", problems) : null);
        if (IsStrict && frame.Opcode == WebSocketOpcode.Ping)
        {
            detail += "; not answered: Paho Java would have closed the connection, the probe keeps it open to see what the broker does next";
        }

        Record(ProbeDirection.Received, ProbeLayer.WebSocket, name, detail, problemText);

        if (frame.Opcode == WebSocketOpcode.Ping && !IsStrict && !_closeFrameSent)
        {
            await SendFrameAsync(WebSocketOpcode.Pong, frame.Payload, "answering the PING, same payload (RFC 6455 §5.5.3)").ConfigureAwait(false);
        }
        else if (close is not null)
        {
            await HandleCloseFrameAsync(close, at).ConfigureAwait(false);
        }
    }

    private async Task HandleCloseFrameAsync(WebSocketCloseFrame close, string at)
    {
        var malformed = close.Problem is null ? null : "a malformed close frame: " + close.Problem;
        if (malformed is not null && (_closing || _closeFrameSent))
        {
            AddFinding(ProbeFindingKind.ProtocolViolation, $"the broker answered our close at {at} with {malformed}");
        }

        if (_closeFrameSent)
        {
            EndConnection($"the broker answered our close frame ({close.Summary()})", isFinding: false);
            return;
        }

        // §5.5.1: answer a close with a close; echo a valid code, else 1002 protocol error.
        await SendCloseFrameAsync(close.Code is { } code && close.Problem is null ? code : 1002).ConfigureAwait(false);
        var by = _closing ? "after our DISCONNECT " : string.Empty;
        EndConnection($"the broker closed the WebSocket {by}at {at} with {malformed ?? close.Summary()}", isFinding: true);
    }

    private async Task HandlePacketAsync(PacketInput packet)
    {
        var name = MosquittoPacketText.Name(packet.Type);
        string? problem = null;
        switch (packet.Type)
        {
            case PacketType.PingResp:
                if (_pingOutstandingSince is { } sentAt)
                {
                    _pingOutstandingSince = null;
                    Interlocked.Increment(ref _pingsAnswered);
                    Record(ProbeDirection.Received, ProbeLayer.Mqtt, name, string.Create(CultureInfo.InvariantCulture, $"round trip {(Now - sentAt).TotalMilliseconds:0} ms"));
                }
                else
                {
                    Record(ProbeDirection.Received, ProbeLayer.Mqtt, name, "without a PINGREQ outstanding");
                }

                return;
            case PacketType.SubAck:
                if (packet.SubAckCodes.Any(c => c.IsError()))
                {
                    problem = $"the broker refused the subscription to {_options.Topic}: {packet.Summary}";
                    AddFinding(ProbeFindingKind.Note, problem);
                }

                break;
            case PacketType.Disconnect:
                var reason = _options.ProtocolVersion == ProtocolVersion.V500 ? " with " + packet.Summary : string.Empty;
                problem = string.Create(CultureInfo.InvariantCulture, $"the broker sent MQTT DISCONNECT at {Seconds(Now.TotalSeconds)}{reason}");
                break;
            case PacketType.Connect or PacketType.Subscribe or PacketType.Unsubscribe or PacketType.PingReq:
                problem = $"the broker sent {name}, a packet only clients send";
                AddFinding(ProbeFindingKind.ProtocolViolation, problem);
                break;
        }

        Record(ProbeDirection.Received, ProbeLayer.Mqtt, name, packet.Summary, problem);
        switch (packet.Type)
        {
            case PacketType.Publish when packet.QoS == QualityOfService.AtLeastOnce:
                await SendPacketAsync(new AckPacket(PacketType.PubAck) { PacketId = packet.PacketId }, $"packet id {packet.PacketId}").ConfigureAwait(false);
                break;
            case PacketType.Publish when packet.QoS == QualityOfService.ExactlyOnce:
                await SendPacketAsync(new AckPacket(PacketType.PubRec) { PacketId = packet.PacketId }, $"packet id {packet.PacketId}").ConfigureAwait(false);
                break;
            case PacketType.PubRel:
                await SendPacketAsync(new AckPacket(PacketType.PubComp) { PacketId = packet.PacketId }, $"packet id {packet.PacketId}").ConfigureAwait(false);
                break;
            case PacketType.Disconnect:
                EndConnection(problem!, isFinding: true);
                break;
        }
    }

    private void HandleEnd(EndInput end)
    {
        var at = Seconds(Now.TotalSeconds);
        var (name, reason) = end switch
        {
            { Reset: true } => ("reset", $"the broker reset the TCP connection at {at}"),
            { Error: { } error } => ("read failed", $"reading from the connection failed at {at}: {error}"),
            _ when _closing => ("closed", $"the broker closed the TCP connection at {at}"),
            _ => ("closed", $"the broker closed the TCP connection at {at} without {(IsWebSocket ? "a WebSocket close frame" : "MQTT DISCONNECT")}"),
        };
        Record(ProbeDirection.Received, ProbeLayer.Tcp, name, reason, _closing ? null : reason);
        EndConnection(reason, isFinding: true);
    }

    /// <summary>"empty", "4 bytes: 0x68 0x69 (\"hi\")", plus FIN/masked flags when unusual.</summary>
    private static string FrameDetail(WebSocketFrame frame)
    {
        var text = new StringBuilder();
        text.Append(frame.Payload.Length == 0 ? "empty payload" : string.Create(CultureInfo.InvariantCulture, $"{frame.Payload.Length} bytes"));
        if (frame.Opcode != WebSocketOpcode.Binary && frame.Opcode != WebSocketOpcode.Continuation && frame.Payload.Length is > 0 and <= 32)
        {
            text.Append(": ").Append(Convert.ToHexString(frame.Payload));
            if (frame.Payload.All(b => b is >= 0x20 and <= 0x7E))
            {
                text.Append(" (\"").Append(Encoding.ASCII.GetString(frame.Payload)).Append("\")");
            }
        }

        if (!frame.Fin)
        {
            text.Append(", FIN not set");
        }

        if (frame.Masked)
        {
            text.Append(", masked");
        }

        if (frame.ReservedBits != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", RSV bits {frame.ReservedBits}");
        }

        return text.ToString();
    }
}
