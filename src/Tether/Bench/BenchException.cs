namespace Tether.Bench;

/// <summary>A bench run cannot go on (the broker refused a connection or subscription, or closed it); the message says why.</summary>
internal sealed class BenchException : Exception
{
    public BenchException()
    {
    }

    public BenchException(string message)
        : base(message)
    {
    }

    public BenchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
