namespace Tether.Broker;

/// <summary>Decides which topics a client may publish to and subscribe to (ACL files plug in here).</summary>
public interface ITopicAuthorizer
{
    /// <summary>Whether the client may publish to <paramref name="topic"/>.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="userName">The user name the client connected with, if any.</param>
    /// <param name="topic">The topic name.</param>
    bool CanPublish(string clientId, string? userName, string topic);

    /// <summary>Whether the client may subscribe to <paramref name="filter"/>.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="userName">The user name the client connected with, if any.</param>
    /// <param name="filter">The topic filter.</param>
    bool CanSubscribe(string clientId, string? userName, string filter);

    /// <summary>
    /// Whether a message on <paramref name="topic"/> may be delivered to the client: checked for every message as it
    /// is routed and for retained messages sent on subscribe, like Mosquitto's read access check.
    /// </summary>
    /// <param name="clientId">The receiving session's client id.</param>
    /// <param name="userName">The user name the receiving client last connected with, if any.</param>
    /// <param name="topic">The message's topic name.</param>
    bool CanRead(string clientId, string? userName, string topic);
}
