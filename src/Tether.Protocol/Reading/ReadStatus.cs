namespace Tether.Protocol;

/// <summary>Outcome of one <see cref="MqttPacketReader.TryRead"/> call.</summary>
public enum ReadStatus
{
    /// <summary>The buffer does not yet hold a whole packet; read more and call again.</summary>
    NeedMoreData,

    /// <summary>One packet was parsed and the buffer was advanced past it.</summary>
    Packet,

    /// <summary>The input violates the protocol; the connection must be closed.</summary>
    Error,
}
