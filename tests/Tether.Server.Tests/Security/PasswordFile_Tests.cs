using System.Text;
using Tether.Server.Security;

namespace Tether.Server.Tests.Security;

/// <summary>Password file hashes exactly as Debian's mosquitto_passwd 2.0.11 writes them.</summary>
public class PasswordFile_Tests
{
    // Generated with Debian's mosquitto_passwd 2.0.11 for these test-only passwords:
    //   mosquitto_passwd -c -b pw alice 's3cret pass'; mosquitto_passwd -H sha512 -b pw carol 'correct horse';
    //   mosquitto_passwd -I 1000 -b pw dave 'ünïcode'
    internal const string MosquittoPasswdFile =
        "alice:$7$101$RG6koZj2KfpF2ZFz$PC6MZUK/hAQlWk9IJ7eYyZI5VgGPkfuJlGCTPn7zvTNu1WeUOTqL6m/aQ4XZOFr5Kj9sGzzJGt8Jq/efPIteOA==\n"
        + "carol:$6$y+TZbSOqxPf70vuj$8TCKj8pqKYhaXDW1rY8mys4hkMh1rzO1sVViq7JjraLv+ykseiGociNrOxm2HA3CLLQAG+x4de5P3YwX2Nyjug==\n"
        + "dave:$7$1000$9jMWzGRrRcdK/389$rhrrIpzm2H4w1sQasQ0JXBoRwnZHikCnZL1JOyEyXrkkMAXrS23WhQ2f90JxfVK2tNwLR58Qrt0VHu02LrLZ6w==\n";

    [Theory]
    [InlineData("alice", "s3cret pass", PasswordHashKind.Sha512Pbkdf2, 101)]
    [InlineData("carol", "correct horse", PasswordHashKind.Sha512, 0)]
    [InlineData("dave", "ünïcode", PasswordHashKind.Sha512Pbkdf2, 1000)]
    public void Mosquitto_passwd_hashes_verify(string user, string password, PasswordHashKind kind, int iterations)
    {
        var file = PasswordFile.Parse(MosquittoPasswdFile, "pw");
        Assert.Equal(3, file.Count);
        Assert.True(file.TryGetHash(user, out var hash));
        Assert.Equal(kind, hash!.Kind);
        Assert.Equal(iterations, hash.Iterations);
        Assert.True(hash.Verify(Encoding.UTF8.GetBytes(password)));
        Assert.False(hash.Verify(Encoding.UTF8.GetBytes(password + "x")));
        Assert.False(hash.Verify([]));
    }

    [Theory]
    [InlineData(PasswordHashKind.Sha512Pbkdf2, 101, "$7$101$")]
    [InlineData(PasswordHashKind.Sha512Pbkdf2, 5, "$7$5$")]
    [InlineData(PasswordHashKind.Sha512, 0, "$6$")]
    public void Created_hash_round_trips_through_its_text(PasswordHashKind kind, int iterations, string prefix)
    {
        var created = PasswordHash.Create("pässword"u8, kind, iterations == 0 ? PasswordHash.DefaultIterations : iterations);
        var text = created.ToString();
        Assert.StartsWith(prefix, text, StringComparison.Ordinal);
        Assert.True(PasswordHash.TryParse(text, out var parsed, out _));
        Assert.True(parsed!.Verify("pässword"u8));
        Assert.False(parsed.Verify("password"u8));
        Assert.NotEqual(text, PasswordHash.Create("pässword"u8, kind, iterations == 0 ? PasswordHash.DefaultIterations : iterations).ToString()); // fresh salt
    }

    [Theory]
    [InlineData("bob:plaintext", "not hashed")]
    [InlineData("bob:$1$abc$def", "unknown hash type '$1$'")]
    [InlineData("bob:$5$abc$def", "unknown hash type")]
    [InlineData("bob:$7$abc$c2FsdA==$aGFzaA==", "invalid iteration count")]
    [InlineData("bob:$6$c2FsdA==$aGFzaA==", "malformed $6$ hash")]
    [InlineData("bob:$6$only", "malformed $6$")]
    [InlineData("bob", "expected 'username:hash'")]
    public void Unusable_lines_are_errors_naming_the_line(string line, string expected)
    {
        var e = Assert.Throws<MosquittoConfigException>(() => PasswordFile.Parse("# users\n\n" + MosquittoPasswdFile + line + "\n", "pw"));
        Assert.Equal(6, e.LineNumber);
        Assert.Equal("pw", e.SourceName);
        Assert.Contains("line 6", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_blank_lines_and_crlf_are_accepted()
    {
        var file = PasswordFile.Parse("# comment\r\n\r\n" + MosquittoPasswdFile.Replace("\n", "\r\n", StringComparison.Ordinal), "pw");
        Assert.Equal(3, file.Count);
        Assert.True(file.TryGetHash("carol", out var hash));
        Assert.True(hash!.Verify("correct horse"u8));
    }

    [Fact]
    public void Missing_file_is_an_error()
    {
        var e = Assert.Throws<MosquittoConfigException>(() => PasswordFile.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
        Assert.Contains("Unable to open password file", e.Message, StringComparison.Ordinal);
    }
}
