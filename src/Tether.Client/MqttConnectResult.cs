using Tether.Protocol;

namespace Tether.Client;

/// <summary>What the server said in CONNACK.</summary>
/// <param name="SessionPresent">Whether the server resumed a session, so subscriptions and in-flight messages survived.</param>
/// <param name="AssignedClientId">The client id the server assigned (5.0), or <see langword="null"/>.</param>
/// <param name="ServerKeepAlive">Keep alive imposed by the server (5.0), or <see langword="null"/>.</param>
/// <param name="ReceiveMaximum">How many QoS 1 and 2 publishes the server takes at once (65,535 when it does not say).</param>
/// <param name="MaximumQoS">Highest QoS the server accepts.</param>
/// <param name="RetainAvailable">Whether the server supports retained messages.</param>
public sealed record MqttConnectResult(
    bool SessionPresent,
    string? AssignedClientId,
    TimeSpan? ServerKeepAlive,
    int ReceiveMaximum,
    QualityOfService MaximumQoS,
    bool RetainAvailable);
