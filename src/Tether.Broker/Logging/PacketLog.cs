using Microsoft.Extensions.Logging;

namespace Tether.Broker;

/// <summary>
/// Mosquitto's per-packet debug lines, worded exactly as Mosquitto 2.0.11 writes them (checked against Debian's
/// <c>mosquitto -v</c>), so that people who read Mosquitto's verbose logs read these. The bracketed details of
/// PUBLISH and the acknowledgements come from <see cref="Tether.Protocol.MosquittoPacketText"/>, which <c>tether pub -d</c>
/// shares. Callers check <see cref="ILogger.IsEnabled"/> before computing any argument, so a disabled debug level
/// costs one check. Event ids 4xx.
/// </summary>
internal static partial class PacketLog
{
    [LoggerMessage(400, LogLevel.Debug, "Received PUBLISH from {ClientId} {Details}")]
    public static partial void ReceivedPublish(ILogger logger, string clientId, string details);

    [LoggerMessage(401, LogLevel.Debug, "Sending PUBLISH to {ClientId} {Details}")]
    public static partial void SendingPublish(ILogger logger, string clientId, string details);

    [LoggerMessage(402, LogLevel.Debug, "Received PUBACK from {ClientId} {Details}")]
    public static partial void ReceivedPubAck(ILogger logger, string clientId, string details);

    [LoggerMessage(403, LogLevel.Debug, "Received PUBREC from {ClientId} {Details}")]
    public static partial void ReceivedPubRec(ILogger logger, string clientId, string details);

    [LoggerMessage(404, LogLevel.Debug, "Received PUBREL from {ClientId} {Details}")]
    public static partial void ReceivedPubRel(ILogger logger, string clientId, string details);

    [LoggerMessage(405, LogLevel.Debug, "Received PUBCOMP from {ClientId} {Details}")]
    public static partial void ReceivedPubComp(ILogger logger, string clientId, string details);

    [LoggerMessage(406, LogLevel.Debug, "Sending PUBACK to {ClientId} {Details}")]
    public static partial void SendingPubAck(ILogger logger, string clientId, string details);

    [LoggerMessage(407, LogLevel.Debug, "Sending PUBREC to {ClientId} {Details}")]
    public static partial void SendingPubRec(ILogger logger, string clientId, string details);

    [LoggerMessage(408, LogLevel.Debug, "Sending PUBREL to {ClientId} {Details}")]
    public static partial void SendingPubRel(ILogger logger, string clientId, string details);

    [LoggerMessage(409, LogLevel.Debug, "Sending PUBCOMP to {ClientId} {Details}")]
    public static partial void SendingPubComp(ILogger logger, string clientId, string details);

    [LoggerMessage(410, LogLevel.Debug, "Sending CONNACK to {ClientId} ({SessionPresent}, {ReasonCode})")]
    public static partial void SendingConnAck(ILogger logger, string clientId, int sessionPresent, int reasonCode);

    [LoggerMessage(411, LogLevel.Debug, "Received SUBSCRIBE from {ClientId}")]
    public static partial void ReceivedSubscribe(ILogger logger, string clientId);

    [LoggerMessage(412, LogLevel.Debug, "\t{Filter} (QoS {QoS})")]
    public static partial void SubscribeFilter(ILogger logger, string filter, int qos);

    [LoggerMessage(413, LogLevel.Debug, "Sending SUBACK to {ClientId}")]
    public static partial void SendingSubAck(ILogger logger, string clientId);

    [LoggerMessage(414, LogLevel.Debug, "Received UNSUBSCRIBE from {ClientId}")]
    public static partial void ReceivedUnsubscribe(ILogger logger, string clientId);

    [LoggerMessage(415, LogLevel.Debug, "\t{Filter}")]
    public static partial void UnsubscribeFilter(ILogger logger, string filter);

    [LoggerMessage(416, LogLevel.Debug, "Sending UNSUBACK to {ClientId}")]
    public static partial void SendingUnsubAck(ILogger logger, string clientId);

    [LoggerMessage(417, LogLevel.Debug, "Received PINGREQ from {ClientId}")]
    public static partial void ReceivedPingReq(ILogger logger, string clientId);

    [LoggerMessage(418, LogLevel.Debug, "Sending PINGRESP to {ClientId}")]
    public static partial void SendingPingResp(ILogger logger, string clientId);

    [LoggerMessage(419, LogLevel.Debug, "Received DISCONNECT from {ClientId}")]
    public static partial void ReceivedDisconnect(ILogger logger, string clientId);

    [LoggerMessage(420, LogLevel.Debug, "Sending DISCONNECT to {ClientId} (rc{ReasonCode})")]
    public static partial void SendingDisconnect(ILogger logger, string clientId, int reasonCode);

    [LoggerMessage(421, LogLevel.Debug, "Will message specified ({Length} bytes) (r{Retain}, q{QoS}).")]
    public static partial void WillSpecified(ILogger logger, long length, int retain, int qos);

    [LoggerMessage(422, LogLevel.Debug, "\t{Topic}")]
    public static partial void WillTopic(ILogger logger, string topic);

    [LoggerMessage(423, LogLevel.Debug, "No will message specified.")]
    public static partial void NoWill(ILogger logger);
}
