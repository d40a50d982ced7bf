using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tether.Server.Security;

namespace Tether.Server;

/// <summary><c>password_file</c>, <c>acl_file</c>, and the reload on SIGHUP of them, the TLS files and the log file.</summary>
public sealed partial class TetherServer
{
    private readonly FileSecurity? _security;
    private PosixSignalRegistration? _reloadSignal;

    /// <summary>The password and ACL files in use; null when the configuration names neither.</summary>
    public FileSecurity? Security => _security;

    /// <summary>
    /// Reads the password and ACL files again (what SIGHUP does), without touching connections: the new files apply
    /// to the next CONNECT, PUBLISH, SUBSCRIBE and delivery. A file that fails to load leaves the old ones in use.
    /// </summary>
    /// <returns>Whether the files were reloaded (also true when there is nothing to reload).</returns>
    public bool ReloadSecurity()
    {
        if (_security is null)
        {
            return true;
        }

        try
        {
            _security.Reload();
            SecurityLog.Reloaded(_logger);
            return true;
        }
        catch (MosquittoConfigException e)
        {
            SecurityLog.ReloadFailed(_logger, e.Message);
            return false;
        }
    }

    /// <summary>Reopens <c>log_dest file</c> by name (after logrotate); a file that cannot be opened keeps the old one.</summary>
    private bool ReopenLogFiles()
    {
        var all = true;
        foreach (var file in _logFiles)
        {
            try
            {
                file.Reopen();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SecurityLog.LogReopenFailed(_logger, file.Path!, e.Message);
                all = false;
            }
        }

        return all;
    }

    private static FileSecurity? CreateSecurity(TetherConfiguration configuration) =>
        configuration.PasswordFile is null && configuration.AclFile is null
            ? null
            : new FileSecurity(configuration.PasswordFile, configuration.AclFile);

    private void AttachSecurity()
    {
        // Only the hooks that are configured are set: without an acl_file the publish path stays a null check.
        if (_security is { HasPasswordFile: true })
        {
            Broker.Authenticator = _security;
        }

        if (_security is { HasAclFile: true })
        {
            Broker.Authorizer = _security;
        }

        if (!OperatingSystem.IsWindows())
        {
            // Mosquitto reloads on SIGHUP; Cancel keeps the runtime from terminating.
            _reloadSignal = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Reload();
            });
        }
    }

    /// <summary>
    /// What SIGHUP does, as in Mosquitto 2.0: reads the password and ACL files again, reloads the TLS listeners'
    /// certificates, keys, CA and CRL files, and reopens the log file (for logrotate). Connections stay up. Whatever
    /// fails to load keeps its previous version, and the log says why.
    /// </summary>
    /// <returns>Whether everything reloaded.</returns>
    public bool Reload()
    {
        SecurityLog.ReloadSignal(_logger);
        var reopened = ReopenLogFiles();
        var security = ReloadSecurity();
        var certificates = ReloadCertificates();
        return reopened && security && certificates;
    }

    /// <summary>Security log lines. Event ids 1120-1139.</summary>
    private static partial class SecurityLog
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "Reloading config.")]
        public static partial void ReloadSignal(ILogger logger);

        [LoggerMessage(EventId = 1121, Level = LogLevel.Information, Message = "Reloaded password and ACL files.")]
        public static partial void Reloaded(ILogger logger);

        [LoggerMessage(EventId = 1122, Level = LogLevel.Error, Message = "Reload failed, keeping the previous password and ACL files: {Why}")]
        public static partial void ReloadFailed(ILogger logger, string why);

        [LoggerMessage(EventId = 1123, Level = LogLevel.Error, Message = "Cannot reopen the log file {Path}, still writing to the old one: {Why}")]
        public static partial void LogReopenFailed(ILogger logger, string path, string why);
    }
}
