namespace Tether.Protocol;

/// <summary>An MQTT 5.0 user property: a UTF-8 string pair. Order and duplicates are significant (§3.3.2.3.7).</summary>
/// <param name="Name">The property name.</param>
/// <param name="Value">The property value.</param>
public readonly record struct UserProperty(Utf8Text Name, Utf8Text Value)
{
    /// <summary>A copy that owns its bytes.</summary>
    public UserProperty ToOwned() => new(Name.ToOwned(), Value.ToOwned());
}
