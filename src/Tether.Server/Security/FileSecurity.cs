using Tether.Broker;
using Tether.Protocol;

namespace Tether.Server.Security;

/// <summary>
/// The broker's <see cref="IClientAuthenticator"/> and <see cref="ITopicAuthorizer"/> from <c>password_file</c> and
/// <c>acl_file</c>. <see cref="Reload"/> (SIGHUP) swaps in freshly parsed files atomically; when either fails to load,
/// both old ones stay.
/// </summary>
public sealed class FileSecurity : IClientAuthenticator, ITopicAuthorizer
{
    // Verified when the user does not exist, so that an unknown user costs as much time as a wrong password.
    private static readonly PasswordHash DummyHash = PasswordHash.Create("tether"u8);

    private readonly string? _passwordFilePath;
    private readonly string? _aclFilePath;
    private volatile PasswordFile? _passwords;
    private volatile AclFile? _acl;

    /// <summary>Loads the files.</summary>
    /// <param name="passwordFilePath">The <c>password_file</c>, or null.</param>
    /// <param name="aclFilePath">The <c>acl_file</c>, or null.</param>
    /// <exception cref="MosquittoConfigException">A file cannot be read or is invalid.</exception>
    public FileSecurity(string? passwordFilePath, string? aclFilePath)
    {
        _passwordFilePath = passwordFilePath;
        _aclFilePath = aclFilePath;
        Reload();
    }

    /// <summary>Whether a password file is in use (authentication applies).</summary>
    public bool HasPasswordFile => _passwordFilePath is not null;

    /// <summary>Whether an ACL file is in use (authorisation applies).</summary>
    public bool HasAclFile => _aclFilePath is not null;

    /// <summary>The loaded password file, if any.</summary>
    public PasswordFile? Passwords => _passwords;

    /// <summary>The loaded ACL file, if any.</summary>
    public AclFile? Acl => _acl;

    /// <summary>Reads both files again and uses them from the next check on; on failure keeps the current ones.</summary>
    /// <exception cref="MosquittoConfigException">A file cannot be read or is invalid; nothing changed.</exception>
    public void Reload()
    {
        var passwords = _passwordFilePath is null ? null : PasswordFile.Load(_passwordFilePath);
        var acl = _aclFilePath is null ? null : AclFile.Load(_aclFilePath);
        _passwords = passwords;
        _acl = acl;
    }

    /// <inheritdoc/>
    public ReasonCode Authenticate(string? userName, ReadOnlyMemory<byte>? password, string clientId, ConnectionInfo connection)
    {
        var passwords = _passwords;
        if (passwords is null || userName is null)
        {
            // No password file, or an anonymous client (which the broker admits only with allow_anonymous true).
            return ReasonCode.Success;
        }

        var known = passwords.TryGetHash(userName, out var hash);
        var verified = (known ? hash! : DummyHash).Verify(password is { } p ? p.Span : default);

        // Mosquitto 2.0.11 answers a wrong password with "not authorised": 5 in 3.1.1 and 0x87 (not 0x86) in 5.0.
        return known && password is not null && verified ? ReasonCode.Success : ReasonCode.NotAuthorized;
    }

    /// <inheritdoc/>
    public bool CanPublish(string clientId, string? userName, string topic) =>
        _acl?.IsAllowed(clientId, userName, topic, AclAccess.Write) ?? true;

    /// <inheritdoc/>
    public bool CanSubscribe(string clientId, string? userName, string filter)
    {
        if (_acl is not { } acl)
        {
            return true;
        }

        // $share/GROUP/FILTER: access is about the filter.
        if (filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            var slash = filter.IndexOf('/', "$share/".Length);
            filter = slash < 0 ? filter : filter[(slash + 1)..];
        }

        return acl.CanSubscribe(clientId, userName, filter);
    }

    /// <inheritdoc/>
    public bool CanRead(string clientId, string? userName, string topic) =>
        _acl?.IsAllowed(clientId, userName, topic, AclAccess.Read) ?? true;
}
