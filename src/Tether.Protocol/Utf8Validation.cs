using System.Text.Unicode;

namespace Tether.Protocol;

/// <summary>The UTF-8 rules of §1.5.4 (both versions).</summary>
public static class Utf8Validation
{
    /// <summary>
    /// Well-formed UTF-8 (which excludes encoded surrogates U+D800..U+DFFF and overlong forms) with no
    /// U+0000. Other control characters and non-characters are only "SHOULD NOT" in the specification and
    /// are accepted, as Mosquitto does.
    /// </summary>
    public static bool IsValidMqttString(ReadOnlySpan<byte> utf8)
    {
        // Topics and property strings are nearly always ASCII: one vectorised scan for anything outside
        // 0x01..0x7F settles them; only the rest needs the full UTF-8 check.
        var firstOther = utf8.IndexOfAnyExceptInRange((byte)0x01, (byte)0x7F);
        if (firstOther < 0)
        {
            return true;
        }

        var rest = utf8[firstOther..];
        return !rest.Contains((byte)0) && Utf8.IsValid(rest);
    }
}
