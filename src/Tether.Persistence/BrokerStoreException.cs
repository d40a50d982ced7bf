namespace Tether.Persistence;

/// <summary>
/// The store file cannot be used: it is damaged, is not a Tether store, was written by a newer Tether, or writing it
/// failed. A file that cannot be read is left exactly as it was; the message tells the operator what to do.
/// </summary>
public sealed class BrokerStoreException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public BrokerStoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
