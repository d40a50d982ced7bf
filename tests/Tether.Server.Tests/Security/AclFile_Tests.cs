using Tether.Server.Security;

namespace Tether.Server.Tests.Security;

/// <summary>acl_file semantics from mosquitto.conf(5): sections, access words, patterns, deny.</summary>
public class AclFile_Tests
{
    private const string Acl = """
        # anonymous clients
        topic read public/#
        topic sensors/+/temperature

        user alice
        topic readwrite alice/#
        topic deny alice/secret
        topic write inbox/#
        topic read $SYS/#

        user bob
        topic read #

        pattern readwrite clients/%c/#
        pattern read users/%u/feed
        pattern deny forbidden/#
        """;

    private static readonly AclFile File = AclFile.Parse(Acl, "acl");

    [Theory]
    [InlineData(null, "public/news", AclAccess.Read, true)]
    [InlineData(null, "public/news", AclAccess.Write, false)]
    [InlineData(null, "sensors/k1/temperature", AclAccess.Write, true)] // no access word: readwrite
    [InlineData(null, "sensors/k1/temperature", AclAccess.Read, true)]
    [InlineData(null, "alice/x", AclAccess.Read, false)] // user sections do not apply to anonymous clients
    [InlineData("alice", "public/news", AclAccess.Read, false)] // nor the anonymous section to users
    [InlineData("alice", "alice/x/y", AclAccess.Write, true)]
    [InlineData("alice", "alice", AclAccess.Read, true)] // '#' includes the parent level
    [InlineData("alice", "alice/secret", AclAccess.Read, false)] // deny wins
    [InlineData("alice", "alice/secret", AclAccess.Write, false)]
    [InlineData("alice", "inbox/1", AclAccess.Read, false)]
    [InlineData("alice", "inbox/1", AclAccess.Write, true)]
    [InlineData("alice", "$SYS/broker/uptime", AclAccess.Read, true)]
    [InlineData("bob", "anything/at/all", AclAccess.Read, true)]
    [InlineData("bob", "anything", AclAccess.Write, false)]
    [InlineData("bob", "$SYS/broker/uptime", AclAccess.Read, false)] // '#' does not match $ topics
    [InlineData("bob", "forbidden/x", AclAccess.Read, false)] // a deny pattern applies to everyone
    [InlineData("carol", "x", AclAccess.Read, false)] // an unknown user gets nothing but patterns
    public void Access_follows_sections_and_access_words(string? user, string topic, AclAccess access, bool allowed) =>
        Assert.Equal(allowed, File.IsAllowed("c1", user, topic, access));

    [Theory]
    [InlineData("c1", null, "clients/c1/status", AclAccess.Write, true)]
    [InlineData("c1", null, "clients/c2/status", AclAccess.Write, false)]
    [InlineData("c1", "carol", "users/carol/feed", AclAccess.Read, true)]
    [InlineData("c1", "carol", "users/carol/feed", AclAccess.Write, false)]
    [InlineData("c1", null, "users//feed", AclAccess.Read, false)] // %u never matches an anonymous client
    [InlineData("c+", null, "clients/c+/status", AclAccess.Write, false)] // a wildcard in the id never widens a pattern
    [InlineData("#", null, "clients/x/status", AclAccess.Write, false)]
    public void Patterns_substitute_client_id_and_user_name(string clientId, string? user, string topic, AclAccess access, bool allowed) =>
        Assert.Equal(allowed, File.IsAllowed(clientId, user, topic, access));

    [Theory]
    [InlineData("alice", "alice/#", true)]
    [InlineData("alice", "#", true)] // overlaps alice/#: delivery filters the rest
    [InlineData("alice", "+/x", true)]
    [InlineData("alice", "alice/secret", false)] // covered by a deny line
    [InlineData("alice", "inbox/#", false)] // write-only
    [InlineData("alice", "other/topic", false)] // nothing readable could ever match
    [InlineData("bob", "$SYS/#", false)]
    [InlineData("bob", "forbidden/#", false)]
    [InlineData(null, "public/+", true)]
    [InlineData(null, "clients/c1/#", true)] // pattern
    public void Subscribe_is_refused_only_when_it_could_never_deliver(string? user, string filter, bool allowed) =>
        Assert.Equal(allowed, File.CanSubscribe("c1", user, filter));

    [Theory]
    [InlineData("topic", "needs a topic")]
    [InlineData("topic read a/#/b", "invalid topic")]
    [InlineData("user", "needs a user name")]
    [InlineData("subscribe a", "unknown keyword 'subscribe'")]
    public void Invalid_lines_are_errors_naming_the_line(string line, string expected)
    {
        var e = Assert.Throws<MosquittoConfigException>(() => AclFile.Parse("topic read a\n\n" + line, "acl"));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_topic_named_like_an_access_word_is_a_topic()
    {
        var file = AclFile.Parse("topic read", "acl");
        Assert.True(file.IsAllowed("c", null, "read", AclAccess.Write));
    }
}
