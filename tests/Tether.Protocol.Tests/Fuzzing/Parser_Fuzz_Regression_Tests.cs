using Tether.Protocol.Fuzzing;

namespace Tether.Protocol.Tests.Fuzzing;

/// <summary>Inputs that once broke an invariant of <see cref="ParserFuzzTarget"/>, replayed on every build.</summary>
public sealed class Parser_Fuzz_Regression_Tests
{
    public static TheoryData<string> Inputs() => new()
    {
        string.Empty,

        // AFL, first session: a 5.0 PUBLISH whose header is malformed (packet identifier 0, or a property length
        // past the end) was rejected with 0x82 when contiguous but 0x81 when split across segments, because the
        // multi-segment path measured the header before validating it.
        "350E0000000054540424F80000000040",
        "340E00000000E8BDFFFF001100000000",
        "340F00000000641A010B204F200000010B204F20000000000000000000000000000000000000000000000000000000004D7FFF",
        "34040000000000F2FFFFFF000000F9FFFF1F0000D17FFF00",
        "100E00044D5154540502000000000163321F001973656E736F72732F72706F6D462F74656D7065726174757265000017020000001E09000269640BAC022300012600016B00017632312E35",
        "100E00044D515454050200000000016332390000000080736F72732F726F6F6D1B2F74656D7065726174757265000A17020000001E09000285640BACE32300012600016B00017632312E35",
        "120E00044D515454050200000000015A320E00000000543F0502000000FF01638231000B020B07001573656E736F72732F2B2F74656D70657261747572650100112473",
        "3D900000000000FFE70080FF00000004050600000040",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Former_Crashing_Input_Is_Handled(string hex)
    {
        ParserFuzzTarget.Run(Convert.FromHexString(hex));
    }
}
