namespace Tether.Server;

/// <summary>A <c>mosquitto.conf</c> that Tether cannot start with; the message names the file, the line and the option.</summary>
public sealed class MosquittoConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MosquittoConfigException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public MosquittoConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public MosquittoConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one line of a file.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="sourceName">The file (or other source) name.</param>
    /// <param name="lineNumber">The 1-based line number; 0 when the problem is not on one line.</param>
    /// <param name="option">The option on that line, if any.</param>
    public MosquittoConfigException(string message, string sourceName, int lineNumber, string? option)
        : base(message)
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
        Option = option;
    }

    /// <summary>The file (or other source) the configuration came from.</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line number of the problem; 0 when not known.</summary>
    public int LineNumber { get; }

    /// <summary>The option on that line.</summary>
    public string? Option { get; }
}
