namespace Tether.Broker.Persistence;

/// <summary>A session's will.</summary>
/// <param name="Message">The will message (no expiry: it is set when the will is published).</param>
/// <param name="DelaySeconds">5.0 will delay interval.</param>
/// <param name="ExpirySeconds">5.0 message expiry interval, counted from publication; null for never.</param>
public sealed record StoredWill(StoredMessage Message, uint DelaySeconds, uint? ExpirySeconds);
