namespace Tether.Bench;

/// <summary>The shapes of load <c>tether bench</c> generates.</summary>
internal enum BenchScenario
{
    /// <summary>Publisher i sends to subscriber i on a topic of their own.</summary>
    Pairs,

    /// <summary>Many publishers, each on its own topic, to one subscriber of a wildcard filter.</summary>
    FanIn,

    /// <summary>One publisher to many subscribers of its topic.</summary>
    FanOut,

    /// <summary>Open many connections and hold them idle (connect rate, broker memory per connection).</summary>
    Conn,
}
