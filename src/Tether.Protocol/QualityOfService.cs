namespace Tether.Protocol;

/// <summary>Delivery guarantee of a PUBLISH.</summary>
public enum QualityOfService : byte
{
    /// <summary>At most once.</summary>
    AtMostOnce = 0,

    /// <summary>At least once.</summary>
    AtLeastOnce = 1,

    /// <summary>Exactly once.</summary>
    ExactlyOnce = 2,
}
