namespace Tether.Probe;

/// <summary>The probe could not get a connection going (exit code 2): refused, TLS failure, upgrade or CONNACK refused.</summary>
internal sealed class ProbeConnectException : Exception
{
    public ProbeConnectException()
    {
    }

    public ProbeConnectException(string message)
        : base(message)
    {
    }

    public ProbeConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
