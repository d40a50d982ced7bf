using Tether.Protocol;

namespace Tether.Broker;

/// <summary>Decides whether a CONNECT's credentials are accepted (password files and the like plug in here).</summary>
public interface IClientAuthenticator
{
    /// <summary>Checks the credentials of a connecting client.</summary>
    /// <param name="userName">The user name, if the client sent one.</param>
    /// <param name="password">The password, if the client sent one.</param>
    /// <param name="clientId">The client id (after assignment for empty ids).</param>
    /// <param name="connection">The connection the CONNECT arrived on.</param>
    /// <returns><see cref="ReasonCode.Success"/>, or the CONNACK reason to refuse with (e.g. <see cref="ReasonCode.BadUserNameOrPassword"/>).</returns>
    ReasonCode Authenticate(string? userName, ReadOnlyMemory<byte>? password, string clientId, ConnectionInfo connection);
}
