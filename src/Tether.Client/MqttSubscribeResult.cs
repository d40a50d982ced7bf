using Tether.Protocol;

namespace Tether.Client;

/// <summary>SUBACK: one reason code per requested filter, in order (granted QoS 0–2 or a failure code of 0x80 and above).</summary>
/// <param name="ReasonCodes">The codes.</param>
public sealed record MqttSubscribeResult(IReadOnlyList<ReasonCode> ReasonCodes)
{
    /// <summary>Whether every filter was granted.</summary>
    public bool AllGranted => ReasonCodes.All(static c => !c.IsError());
}
