using Tether.Protocol;

namespace Tether.Client;

/// <summary>One publish on its way out: queued, then (QoS 1 and 2) in flight until acknowledged.</summary>
internal sealed class OutgoingPublish
{
    public OutgoingPublish(MqttApplicationMessage message)
    {
        Message = message;
        Topic = Utf8Text.FromString(message.Topic);
    }

    public MqttApplicationMessage Message { get; }

    public Utf8Text Topic { get; }

    public QualityOfService QoS => Message.QoS;

    /// <summary>Completes when QoS 0 is written, QoS 1 is acknowledged (PUBACK), QoS 2 is complete (PUBCOMP).</summary>
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ushort PacketId { get; set; }

    /// <summary>Order in which it went in flight, so that a reconnect resends in the original order.</summary>
    public long Sequence { get; set; }

    /// <summary>For QoS 2: PUBREC arrived and PUBREL was sent; waiting for PUBCOMP.</summary>
    public bool Released { get; set; }
}
