using System.Buffers;
using System.Collections;
using System.Reflection;
using System.Text;

namespace Tether.Protocol.Tests.Support;

/// <summary>
/// Renders a packet and everything it holds (properties, will, subscriptions, payload) as text, by reflection,
/// so that comparing two dumps compares every field — including fields added to the model later. Borrowed
/// packets (PUBLISH, acks) must be dumped before the reader's next call.
/// </summary>
public static class PacketDump
{
    public static string Describe(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value, 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder b, object? value, int depth)
    {
        switch (value)
        {
            case null:
                b.Append("null");
                return;
            case string s:
                b.Append('"').Append(s).Append('"');
                return;
            case Utf8Text text:
                b.Append("utf8[").Append(Hex.Format(text.Span)).Append(']');
                return;
            case ReadOnlyMemory<byte> memory:
                b.Append("bytes[").Append(Hex.Format(memory.Span)).Append(']');
                return;
            case ReadOnlySequence<byte> sequence:
                b.Append("sequence[").Append(Hex.Format(sequence.ToArray())).Append(']');
                return;
            case Enum e:
                b.Append(e.GetType().Name).Append('.').Append(e).Append("(0x").Append(Convert.ToUInt64(e, null).ToString("X2", null)).Append(')');
                return;
            case bool or byte or ushort or uint or int or long:
                b.Append(value);
                return;
            case IEnumerable items:
                b.Append('[');
                var first = true;
                foreach (var item in items)
                {
                    b.Append(first ? string.Empty : ", ");
                    first = false;
                    Append(b, item, depth + 1);
                }

                b.Append(']');
                return;
        }

        if (depth > 8)
        {
            throw new InvalidOperationException("Packet graph is deeper than expected; is there a cycle?");
        }

        var type = value.GetType();
        b.Append(type.Name).Append(" {");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            // Span views duplicate other members and cannot be boxed; IsEmpty is derived from the others.
            if (property.PropertyType.IsByRefLike || property.GetIndexParameters().Length > 0 || property.Name == nameof(MqttProperties.IsEmpty))
            {
                continue;
            }

            b.Append(' ').Append(property.Name).Append('=');
            Append(b, property.GetValue(value), depth + 1);
            b.Append(';');
        }

        b.Append(" }");
    }
}
