using System.Net;

namespace Tether.Server;

/// <summary>A listener's port is taken by another process.</summary>
public sealed class PortInUseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PortInUseException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PortInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an endpoint.</summary>
    /// <param name="endPoint">The endpoint that could not be bound.</param>
    /// <param name="innerException">The cause.</param>
    public PortInUseException(IPEndPoint endPoint, Exception? innerException)
        : base(Describe(endPoint), innerException)
    {
        EndPoint = endPoint;
    }

    /// <summary>The endpoint that could not be bound.</summary>
    public IPEndPoint? EndPoint { get; }

    private static string Describe(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var where = endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any) ? "all interfaces" : endPoint.Address.ToString();
        return $"port {endPoint.Port} on {where} is already in use; is another broker (mosquitto?) running? choose another with -p";
    }
}
