using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Tether.Probe;

/// <summary>What a close frame's payload says, and whether it is well formed (RFC 6455 §5.5.1, §7.4).</summary>
/// <param name="Code">The status code, when the payload has at least two bytes.</param>
/// <param name="Reason">The reason text (after the code), decoded leniently.</param>
/// <param name="Problem">Why the payload is malformed; null when it is valid.</param>
internal sealed record WebSocketCloseFrame(int? Code, string Reason, string? Problem)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static WebSocketCloseFrame Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return new WebSocketCloseFrame(null, string.Empty, null);
        }

        if (payload.Length == 1)
        {
            return new WebSocketCloseFrame(null, string.Empty, "a 1-byte payload: a close payload is empty or starts with a 2-byte status code (RFC 6455 §5.5.1)");
        }

        int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        var reasonBytes = payload[2..];
        string reason;
        string? problem = null;
        try
        {
            reason = StrictUtf8.GetString(reasonBytes);
        }
        catch (DecoderFallbackException)
        {
            reason = Encoding.UTF8.GetString(reasonBytes);
            problem = "a reason that is not valid UTF-8 (RFC 6455 §5.5.1)";
        }

        if (!IsValidCode(code))
        {
            // Paho Java 1.1.0–1.2.5 writes the code as ASCII text ("1000"); name that case, it is the common one.
            problem = IsAsciiDigits(payload)
                ? $"the ASCII text \"{Encoding.ASCII.GetString(payload)}\" instead of a 2-byte status code (read as code {code}, which is invalid; RFC 6455 §5.5.1, §7.4)"
                : string.Create(CultureInfo.InvariantCulture, $"status code {code}, which must not be sent (RFC 6455 §7.4)");
        }

        return new WebSocketCloseFrame(code, reason, problem);
    }

    /// <summary>Codes an endpoint may send: 1000–1003, 1007–1014 (§7.4.1 and the IANA registry) and 3000–4999 (§7.4.2).</summary>
    public static bool IsValidCode(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>A readable name for the common codes.</summary>
    public static string Describe(int code) => code switch
    {
        1000 => "1000 normal closure",
        1001 => "1001 going away",
        1002 => "1002 protocol error",
        1003 => "1003 unsupported data",
        1007 => "1007 invalid payload data",
        1008 => "1008 policy violation",
        1009 => "1009 message too big",
        1010 => "1010 mandatory extension",
        1011 => "1011 internal error",
        1012 => "1012 service restart",
        1013 => "1013 try again later",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>"code 1000 normal closure, reason 'bye'" or "no status code".</summary>
    public string Summary()
    {
        var text = Code is { } code ? "code " + Describe(code) : "no status code";
        return Reason.Length > 0 ? $"{text}, reason \"{Reason}\"" : text;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<byte> payload)
    {
        foreach (var b in payload)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }
}
