using System.Text;

namespace Tether.Protocol.Tests.Topics;

/// <summary>Topic names and filters (§4.7 of 3.1.1 and 5.0; shared subscriptions §4.8.2 of 5.0).</summary>
public class TopicRulesTests
{
    [Theory]
    [InlineData("a/b", true)]
    [InlineData("a", true)]
    [InlineData("/", true)] // 4.7.3: zero-length levels are allowed; "/" has two of them
    [InlineData("/a", true)] // 4.7.1.1: a leading "/" makes a distinct, empty first level
    [InlineData("a//b", true)]
    [InlineData("a/b/", true)]
    [InlineData(" ", true)] // 4.7.3: spaces are allowed
    [InlineData("$SYS/broker/load", true)] // 4.7.2: valid name; servers restrict who may publish to it
    [InlineData("sensors/température", true)]
    [InlineData("", false)] // [MQTT-4.7.3-1]: at least one character
    [InlineData("+", false)] // [MQTT-4.7.1-1]: wildcards only in filters; [MQTT-3.3.2-2]
    [InlineData("#", false)]
    [InlineData("a/+/b", false)]
    [InlineData("a/#", false)]
    [InlineData("a+b", false)] // the character itself is forbidden, not just a whole-level wildcard
    public void Topic_Name(string topic, bool valid)
    {
        Assert.Equal(valid, TopicRules.IsValidTopicName(Encoding.UTF8.GetBytes(topic)));
    }

    [Theory]
    [InlineData("a/b", true)]
    [InlineData("#", true)] // 4.7.1.2: "#" alone matches everything
    [InlineData("+", true)] // 4.7.1.3
    [InlineData("/", true)]
    [InlineData("sport/tennis/#", true)] // 4.7.1.2 examples
    [InlineData("sport/#", true)] // matches "sport" too
    [InlineData("+/tennis/#", true)] // 4.7.1.3 examples
    [InlineData("sport/+/player1", true)]
    [InlineData("+/+", true)]
    [InlineData("/+", true)]
    [InlineData("+/", true)]
    [InlineData("a//#", true)]
    [InlineData("$SYS/#", true)]
    [InlineData("$share", true)] // not a shared subscription without the trailing "/"
    [InlineData("$sharegroup/a", true)]
    [InlineData("$share/group/sport/#", true)] // 5.0 §4.8.2
    [InlineData("$share/g/+", true)]
    [InlineData("$share/g/$share/x", true)] // the filter after the group is an ordinary filter
    [InlineData("", false)] // [MQTT-4.7.3-1]
    [InlineData("a/#/b", false)] // [MQTT-4.7.1-2]: "#" must be the last level
    [InlineData("#/", false)]
    [InlineData("a#", false)] // [MQTT-4.7.1-2]: "#" must occupy a whole level
    [InlineData("sport/tennis#", false)]
    [InlineData("a/b+", false)] // [MQTT-4.7.1-3]: "+" must occupy a whole level
    [InlineData("sport+", false)]
    [InlineData("++", false)]
    [InlineData("+#", false)]
    [InlineData("$share/", false)] // [MQTT-4.8.2-1]: a share name of at least one character
    [InlineData("$share//x", false)]
    [InlineData("$share/g", false)] // [MQTT-4.8.2-2]: the share name is followed by "/" and a filter
    [InlineData("$share/g/", false)]
    [InlineData("$share/g+/x", false)] // [MQTT-4.8.2-2]: no "+" or "#" in the share name
    [InlineData("$share/#/x", false)]
    [InlineData("$share/g/a/#/b", false)] // the filter part follows the ordinary rules
    public void Topic_Filter(string filter, bool valid)
    {
        Assert.Equal(valid, TopicRules.IsValidTopicFilter(Encoding.UTF8.GetBytes(filter)));
    }

    [Theory]
    [InlineData("$share/g/a", true)]
    [InlineData("$share/", true)] // the prefix decides; validity is IsValidTopicFilter's business
    [InlineData("$share", false)]
    [InlineData("$SHARE/g/a", false)] // topic names and filters are case-sensitive (4.7.3)
    [InlineData("a/$share/g", false)]
    public void Shared_Filter_Prefix(string filter, bool shared)
    {
        Assert.Equal(shared, TopicRules.IsSharedFilter(Encoding.UTF8.GetBytes(filter)));
        Assert.Equal(shared, TopicRules.IsSharedFilter(filter));
    }

    [Theory]
    [InlineData("a/b", false)]
    [InlineData("a/+", true)]
    [InlineData("#", true)]
    [InlineData("$share/g/a", false)]
    public void Wildcards(string filter, bool hasWildcards)
    {
        Assert.Equal(hasWildcards, TopicRules.HasWildcards(Encoding.UTF8.GetBytes(filter)));
    }
}
