namespace Tether.Broker.Tests.Routing;

/// <summary>A stand-in for a broker session: an identity with a name and an online flag.</summary>
internal sealed class TestSubscriber(string name)
{
    public string Name { get; } = name;

    public volatile bool IsOnline = true;

    public override string ToString() => Name;
}
