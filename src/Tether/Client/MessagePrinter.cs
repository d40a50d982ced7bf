using System.Text;
using Tether.Client;

namespace Tether.Cli.Client;

/// <summary>
/// mosquitto_sub's default output: the payload bytes as they are (binary-safe), or with <c>-v</c> "topic payload",
/// where an empty payload reads "(null)"; each followed by a newline unless <c>-N</c>.
/// </summary>
internal sealed class MessagePrinter(Stream output, bool verbose, bool noEndOfLine)
{
    private static readonly byte[] NullPayload = "(null)"u8.ToArray();

    public async Task PrintAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (verbose)
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(message.Topic + " "), cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(message.Payload.IsEmpty ? NullPayload : message.Payload, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await output.WriteAsync(message.Payload, cancellationToken).ConfigureAwait(false);
        }

        if (!noEndOfLine)
        {
            output.WriteByte((byte)'\n');
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
