using System.Buffers;

namespace Tether.Protocol;

public sealed partial class MqttPacketReader
{
    private bool TryParseDisconnect(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var disconnect = new DisconnectPacket();
        if (!IsV5)
        {
            return body.IsEmpty
                ? Succeed(disconnect, out packet, out error)
                : Fail(ProtocolError.Malformed("DISCONNECT with a body"), out packet, out error);
        }

        var r = new BodyReader(Own(body));

        // 5.0 §3.14.2.1: remaining length 0 means "normal disconnection" without properties.
        if (!r.End)
        {
            if (!r.TryReadByte(out var code))
            {
                return Fail(r.Error, out packet, out error);
            }

            disconnect.ReasonCode = (ReasonCode)code;
            if (!r.End && !PropertyReader.TryRead(ref r, disconnect.Properties, PropertyScope.Disconnect))
            {
                return Fail(r.Error, out packet, out error);
            }
        }

        return Done(ref r, disconnect, out packet, out error);
    }

    private bool TryParseAuth(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        if (!IsV5)
        {
            return Fail(ProtocolError.Malformed("AUTH is reserved before MQTT 5.0"), out packet, out error);
        }

        var r = new BodyReader(Own(body));
        var auth = new AuthPacket();
        if (!r.End)
        {
            if (!r.TryReadByte(out var code))
            {
                return Fail(r.Error, out packet, out error);
            }

            auth.ReasonCode = (ReasonCode)code;
            if (auth.ReasonCode is not (ReasonCode.Success or ReasonCode.ContinueAuthentication or ReasonCode.ReAuthenticate))
            {
                return Fail(ProtocolError.Malformed("AUTH with an invalid reason code"), out packet, out error);
            }

            if (!r.End && !PropertyReader.TryRead(ref r, auth.Properties, PropertyScope.Auth))
            {
                return Fail(r.Error, out packet, out error);
            }
        }

        return Done(ref r, auth, out packet, out error);
    }

    private static bool Succeed(MqttPacket result, out MqttPacket? packet, out ProtocolError error)
    {
        packet = result;
        error = default;
        return true;
    }
}
