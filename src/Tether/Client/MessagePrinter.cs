using System.Text;
using Tether.Client;

namespace Tether.Cli.Client;

/// <summary>
/// mosquitto_sub's output: the payload bytes as they are (binary-safe), or with <c>-v</c> "topic payload", where an
/// empty payload reads "(null)", or a <c>-F</c> format; each followed by a newline unless <c>-N</c>.
/// Writes are whole lines under one lock, so <c>-d</c> lines from the client's loops never split a message.
/// </summary>
internal sealed class MessagePrinter(Stream output, bool verbose, bool noEndOfLine, OutputFormat? format = null)
{
    private static readonly byte[] NullPayload = "(null)"u8.ToArray();
    private readonly Lock _gate = new();

    public void Print(MqttApplicationMessage message)
    {
        lock (_gate)
        {
            if (format is not null)
            {
                output.Write(format.Render(message, DateTimeOffset.Now));
            }
            else if (verbose)
            {
                output.Write(Encoding.UTF8.GetBytes(message.Topic + " "));
                output.Write(message.Payload.IsEmpty ? NullPayload : message.Payload.Span);
            }
            else
            {
                output.Write(message.Payload.Span);
            }

            if (!noEndOfLine)
            {
                output.WriteByte((byte)'\n');
            }

            output.Flush();
        }
    }

    /// <summary>One line of text (a <c>-d</c> line), followed by a newline.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            output.Write(Encoding.UTF8.GetBytes(line + "\n"));
            output.Flush();
        }
    }
}
