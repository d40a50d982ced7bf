namespace Tether.Server;

/// <summary>The message types of Mosquitto's <c>log_type</c> option.</summary>
[Flags]
#pragma warning disable CA1714 // The name mirrors the mosquitto.conf option.
public enum MosquittoLogTypes
#pragma warning restore CA1714
{
    /// <summary><c>none</c>.</summary>
    None = 0,

    /// <summary><c>debug</c>: packet-level traces.</summary>
    Debug = 1,

    /// <summary><c>error</c>.</summary>
    Error = 2,

    /// <summary><c>warning</c>.</summary>
    Warning = 4,

    /// <summary><c>notice</c>.</summary>
    Notice = 8,

    /// <summary><c>information</c>.</summary>
    Information = 16,

    /// <summary><c>subscribe</c>.</summary>
    Subscribe = 32,

    /// <summary><c>unsubscribe</c>.</summary>
    Unsubscribe = 64,

    /// <summary><c>websockets</c>.</summary>
    WebSockets = 128,

    /// <summary>Mosquitto's default when <c>log_type</c> is absent: error, warning, notice and information.</summary>
    Default = Error | Warning | Notice | Information,

    /// <summary><c>all</c>.</summary>
    All = Debug | Error | Warning | Notice | Information | Subscribe | Unsubscribe | WebSockets,
}
