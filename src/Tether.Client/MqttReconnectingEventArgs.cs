namespace Tether.Client;

/// <summary>The client is about to wait and then try to reconnect.</summary>
public sealed class MqttReconnectingEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public MqttReconnectingEventArgs(int attempt, TimeSpan delay, MqttDisconnectedEventArgs? lastFailure)
    {
        Attempt = attempt;
        Delay = delay;
        LastFailure = lastFailure;
    }

    /// <summary>1 for the first attempt after a loss, then 2, 3, ...</summary>
    public int Attempt { get; }

    /// <summary>How long the client waits before this attempt.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Why the previous attempt failed (or why the connection was lost, for the first attempt).</summary>
    public MqttDisconnectedEventArgs? LastFailure { get; }
}
