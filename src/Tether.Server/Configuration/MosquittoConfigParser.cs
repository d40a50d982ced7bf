using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tether.Broker;

namespace Tether.Server;

// Reads Mosquitto 2.0's mosquitto.conf: one "option value..." per line, '#' comments, blank lines. Where Mosquitto
// is lenient in ways that hide mistakes (atoi turning "abc" into 0, extra words silently dropped), Tether reports
// the line instead; where it is strict for no benefit (an indented '#' comment, a tab between option and value),
// Tether accepts the line. Listener semantics follow Mosquitto 2.0.11 as observed:
// - `port` and `bind_address` always configure the default listener, even after a `listener` line;
// - `protocol`, `max_connections` and `socket_domain` configure the most recent listener (the default one before
//   any `listener` line); `max_connections`, `socket_domain`, `port` and `bind_address` before any `listener` line
//   make the default listener a real one, bound to all interfaces unless `bind_address` says otherwise;
// - `certfile`, `keyfile`, `cafile`, `capath`, `crlfile`, `require_certificate`, `tls_version`, `ciphers`,
//   `ciphers_tls1.3`, `use_identity_as_username` and `use_subject_as_username` configure the most recent listener too;
//   a listener with certfile and keyfile serves TLS, and a half-configured one stops start-up naming the line;
// - a file that defines no listener gets the local-only listener (1883 on loopback) and anonymous access;
//   a file that defines one denies anonymous clients unless `allow_anonymous true` says otherwise.

/// <summary>Loads a <c>mosquitto.conf</c> into a <see cref="TetherConfiguration"/>.</summary>
public static class MosquittoConfigParser
{
    /// <summary>Reads and parses a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="MosquittoConfigException">The file cannot be read, or a line is invalid or not supported.</exception>
    public static TetherConfiguration ParseFile(string path)
    {
        return Parse(ConfigFileText.Read(path, "Cannot read config file"), path);
    }

    /// <summary>Parses the text of a configuration file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="sourceName">The file's name, used in error messages and kept as <see cref="TetherConfiguration.SourcePath"/>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="MosquittoConfigException">A line is invalid or not supported.</exception>
    public static TetherConfiguration Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var state = new ParseState(sourceName);
        state.Read(text, sourceName);
        return state.Build();
    }

    /// <summary>
    /// Orders the files of an <c>include_dir</c> like Mosquitto 2.0 (conf.c): character by character, case-insensitively
    /// first and, where two characters differ only in case, capital letters first. Given 00.conf, 01.conf, A.conf,
    /// a.conf and b.conf it yields that order, as mosquitto.conf(5) documents.
    /// </summary>
    private static int CompareIncludedFileNames(string x, string y)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var result = char.ToUpperInvariant(x[i]).CompareTo(char.ToUpperInvariant(y[i]));
            if (result == 0)
            {
                result = x[i].CompareTo(y[i]);
            }

            if (result != 0)
            {
                return result;
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    private sealed class ParseState(string sourceName)
    {
        private readonly List<ListenerOptions> _listeners = [];
        private readonly List<string> _listenerLines = [];
        private readonly List<string> _warnings = [];
        private BrokerOptions _broker = BrokerOptions.Default;
        private ListenerOptions _defaultListener = new();
        private bool _defaultListenerUsed;
        private string? _defaultPortLine;
        private bool? _allowAnonymous;
        private string? _passwordFile;
        private string? _aclFile;
        private string? _pidFile;
        private string? _user;
        private string? _userSetAt;
        private bool _persistence;
        private string? _persistenceLocation;
        private string? _persistenceFile;
        private int _webSocketsHeadersSize;
        private int? _webSocketsLogLevel;
        private LoggingSettings _logging = LoggingSettings.Default;
        private List<LogDestination>? _logDestinations;
        private MosquittoLogTypes? _logTypes;
        private bool _perListenerSettings;
        private bool _setTcpNoDelay;
        private int _includeDepth;
        private TlsLines _tls = new();

        /// <summary>Applies every line of one file's text; <c>include_dir</c> lines read their files in place.</summary>
        public void Read(string text, string source)
        {
            var lineNumber = 0;
            using var reader = new StringReader(text);
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed[0] == '#')
                {
                    continue;
                }

                Apply(new ConfigLine(trimmed, source, lineNumber));
            }
        }

        public void Apply(ConfigLine line)
        {
            switch (line.Option)
            {
                case "include_dir":
                    IncludeDirectory(line);
                    break;

                // Listeners.
                case "listener":
                    AddListener(line);
                    break;
                case "port":
                    if (_defaultPortLine is not null)
                    {
                        // Mosquitto warns and keeps the last one.
                        _warnings.Add($"The default listener's port is set on {_defaultPortLine} and again on {line.Where}; only the last one is used.");
                    }

                    _defaultPortLine = line.Where;
                    _defaultListener = _defaultListener with { Port = line.Port(line.Single()) };
                    _defaultListenerUsed = true;
                    break;
                case "bind_address":
                    _defaultListener = _defaultListener with { BindAddress = line.Single() };
                    _defaultListenerUsed = true;
                    break;
                case "protocol":
                    var protocol = line.Single() switch
                    {
                        "mqtt" => ListenerProtocol.Mqtt,
                        "websockets" => ListenerProtocol.WebSockets,
                        var other => throw line.Error($"invalid protocol '{other}'; use mqtt or websockets"),
                    };
                    UpdateCurrentListener(l => l with { Protocol = protocol }, marksDefaultUsed: false);
                    break;
                case "websockets_ping_interval":
                    // Tether's own option, not Mosquitto's: WebSocket pings every SECONDS on the most recent listener.
                    // Off (0) by default, because clients such as Paho Java 1.2.5 drop the connection on any
                    // WebSocket control frame; MQTT keep alive is the liveness check.
                    var pingSeconds = line.Int(line.Single(), 0, 86400, "a number of seconds (0 = off)");
                    UpdateCurrentListener(l => l with { WebSocketPingInterval = TimeSpan.FromSeconds(pingSeconds) }, marksDefaultUsed: false);
                    break;
                case "bind_interface":
                    // Like Mosquitto, for the most recent listener (the default one before any listener line), making it a
                    // real one. Mosquitto finds out the interface is missing when it opens the listener; Tether says so here.
                    var interfaceName = line.Single();
                    if (!NetworkInterfaceExists(interfaceName))
                    {
                        throw line.Error($"there is no network interface '{interfaceName}' on this machine");
                    }

                    UpdateCurrentListener(l => l with { BindInterface = interfaceName }, marksDefaultUsed: true);
                    break;
                case "max_connections":
                    var max = line.Int(line.Single(), int.MinValue, int.MaxValue, "an integer (-1 for no limit)");
                    UpdateCurrentListener(l => l with { MaxConnections = max < 0 ? -1 : max }, marksDefaultUsed: true);
                    break;
                case "socket_domain":
                    var domain = line.Single() switch
                    {
                        "ipv4" => AddressFamily.InterNetwork,
                        "ipv6" => AddressFamily.InterNetworkV6,
                        var other => throw line.Error($"invalid socket_domain '{other}'; use ipv4 or ipv6"),
                    };
                    UpdateCurrentListener(l => l with { SocketDomain = domain }, marksDefaultUsed: true);
                    break;

                // TLS, per listener (the default one before any listener line).
                case "certfile":
                case "keyfile":
                case "cafile":
                case "require_certificate":
                case "tls_version":
                case "capath":
                case "crlfile":
                case "ciphers":
                case "ciphers_tls1.3":
                case "use_identity_as_username":
                case "use_subject_as_username":
                    ApplyTls(line);
                    break;

                case "websockets_headers_size":
                    // Global in Mosquitto too; 0 to 65535 like Mosquitto, 0 meaning the default.
                    _webSocketsHeadersSize = line.Int(line.Single(), 0, 65535, "a number of bytes from 0 (default) to 65535");
                    break;
                case "websockets_log_level":
                    _webSocketsLogLevel = line.Int(line.Single(), int.MinValue, int.MaxValue, "an integer (a libwebsockets log mask)");
                    _warnings.Add($"'websockets_log_level' on {line.Where} is libwebsockets' debug mask; Tether does not use libwebsockets, so it has no effect (use 'log_type websockets' for WebSocket log lines).");
                    break;

                // Broker options.
                case "allow_anonymous":
                    _allowAnonymous = line.Bool();
                    break;
                case "password_file":
                    _passwordFile = ReadableFile(line, "password file");
                    break;
                case "acl_file":
                    _aclFile = ReadableFile(line, "acl_file");
                    break;
                case "user":
                    _user = line.Single();
                    _userSetAt = line.Where;
                    break;
                case "pid_file":
                    _pidFile = line.Rest();
                    break;

                // Persistence: Tether writes every change as it happens (see docs/PERSISTENCE.md).
                case "persistence":
                    _persistence = line.Bool();
                    break;
                case "persistence_location":
                    _persistenceLocation = line.Rest();
                    break;
                case "persistence_file":
                    _persistenceFile = line.Rest();
                    break;
                case "autosave_interval":
                    line.Int(line.Single(), 0, int.MaxValue, "a number of seconds (or changes, with autosave_on_changes)");
                    _warnings.Add($"'autosave_interval' on {line.Where} has no effect: Tether commits every change to its store before acknowledging it.");
                    break;
                case "autosave_on_changes":
                    line.Bool();
                    _warnings.Add($"'autosave_on_changes' on {line.Where} has no effect: Tether commits every change to its store before acknowledging it.");
                    break;
                case "max_keepalive":
                    // Mosquitto 2.0 refuses values below 10 seconds.
                    _broker = _broker with { MaxKeepAliveSeconds = (ushort)line.Int(line.Single(), 10, 65535, "a number of seconds from 10 to 65535") };
                    break;
                case "max_inflight_messages":
                    // Receive Maximum is a 16-bit value [MQTT-3.3.4-9].
                    _broker = _broker with { MaxInflightMessages = line.Int(line.Single(), 0, 65535, "a count from 0 (no limit) to 65535") };
                    break;
                case "max_inflight_bytes":
                    _broker = _broker with { MaxInflightBytes = line.Long(line.Single(), 0, long.MaxValue, "a number of bytes, 0 for no limit") };
                    break;
                case "max_queued_messages":
                    _broker = _broker with { MaxQueuedMessages = line.Int(line.Single(), 0, int.MaxValue, "a count, 0 for no limit") };
                    break;
                case "max_queued_bytes":
                    _broker = _broker with { MaxQueuedBytes = line.Long(line.Single(), 0, long.MaxValue, "a number of bytes, 0 for no limit") };
                    break;
                case "queue_qos0_messages":
                    _broker = _broker with { QueueQoS0Messages = line.Bool() };
                    break;
                case "message_size_limit":
                    // 268435455: the largest remaining length MQTT can encode.
                    _broker = _broker with { MessageSizeLimit = line.Int(line.Single(), 0, 268_435_455, "a number of bytes from 0 (no limit) to 268435455") };
                    break;
                case "max_packet_size":
                    // Mosquitto refuses values below 20; 268435460 is the largest remaining length plus a 5-byte fixed header.
                    _broker = _broker with { MaxPacketSize = line.Int(line.Single(), 20, 268_435_460, "a number of bytes from 20 to 268435460") };
                    break;
                case "max_topic_alias":
                    WarnIfPerListener(line);
                    _broker = _broker with { MaxTopicAlias = (ushort)line.Int(line.Single(), 0, 65535, "a count from 0 to 65535") };
                    break;
                case "retain_available":
                    _broker = _broker with { RetainAvailable = line.Bool() };
                    break;
                case "max_qos":
                    WarnIfPerListener(line);
                    _broker = _broker with { MaxQoS = (byte)line.Int(line.Single(), 0, 2, "0, 1 or 2") };
                    break;
                case "allow_zero_length_clientid":
                    _broker = _broker with { AllowZeroLengthClientId = line.Bool() };
                    break;
                case "auto_id_prefix":
                    _broker = _broker with { AutoIdPrefix = line.Single() };
                    break;
                case "clientid_prefixes":
                    // One prefix, despite the name (mosquitto.conf(5)); a later line replaces it.
                    _broker = _broker with { ClientIdPrefixes = line.Single() };
                    break;
                case "persistent_client_expiration":
                    _broker = _broker with { PersistentClientExpiration = ParseExpiration(line) };
                    break;
                case "sys_interval":
                    _broker = _broker with { SysIntervalSeconds = line.Int(line.Single(), 0, 65535, "a number of seconds from 0 (off) to 65535") };
                    break;
                case "upgrade_outgoing_qos":
                    _broker = _broker with { UpgradeOutgoingQoS = line.Bool() };
                    break;

                // Logging.
                case "log_dest":
                    AddLogDestination(line);
                    break;
                case "log_type":
                    AddLogTypes(line);
                    break;
                case "log_facility":
                    // mosquitto.conf(5): an integer N from 0 to 7 selects the syslog facility localN instead of daemon.
                    _logging = _logging with { SyslogFacility = 16 + line.Int(line.Single(), 0, 7, "0 to 7 (local0 to local7)") };
                    break;
                case "log_timestamp":
                    _logging = _logging with { Timestamp = line.Bool() };
                    break;
                case "log_timestamp_format":
                    _logging = _logging with { TimestampFormat = line.Rest() };
                    break;
                case "connection_messages":
                    var connectionMessages = line.Bool();
                    _logging = _logging with { ConnectionMessages = connectionMessages };
                    _broker = _broker with { ConnectionMessages = connectionMessages };
                    break;

                // Accepted and kept.
                case "set_tcp_nodelay":
                    _setTcpNoDelay = line.Bool();
                    break;
                case "per_listener_settings":
                    _perListenerSettings = line.Bool();
                    break;

                default:
                    throw UnsupportedOption(line);
            }
        }

        public TetherConfiguration Build()
        {
            ValidateTls();
            ListenerOptions? defaultListener = _defaultListenerUsed ? _defaultListener
                : _listeners.Count == 0 ? ListenerOptions.LocalOnly() with { MaxConnections = _defaultListener.MaxConnections }
                : null;
            var localOnly = !_defaultListenerUsed && _listeners.Count == 0;

            // Mosquitto 2.0: anonymous access is on in local-only mode and off as soon as a listener is configured.
            var broker = _broker with { AllowAnonymous = _allowAnonymous ?? localOnly };
            var logging = _logging with
            {
                Destinations = _logDestinations ?? _logging.Destinations,
                Types = _logTypes ?? _logging.Types,
            };
            return new TetherConfiguration
            {
                SourcePath = sourceName,
                Broker = broker,
                DefaultListener = defaultListener,
                Listeners = [.. _listeners],
                Logging = logging,
                PasswordFile = _passwordFile,
                AclFile = _aclFile,
                PidFile = _pidFile,
                User = _user,
                UserSetAt = _userSetAt,
                Persistence = new PersistenceSettings(_persistence, _persistenceLocation, _persistenceFile),
                WebSocketsHeadersSize = _webSocketsHeadersSize,
                WebSocketsLogLevel = _webSocketsLogLevel,
                PerListenerSettings = _perListenerSettings,
                SetTcpNoDelay = _setTcpNoDelay,
                Warnings = [.. _warnings],
            };
        }

        private void IncludeDirectory(ConfigLine line)
        {
            // Mosquitto 2.0 reads include_dir only from the main file and skips it in an included one without a word;
            // Tether says so instead. A relative DIR is opened relative to the working directory, as Mosquitto's
            // opendir(DIR) does, not relative to the file that names it.
            if (_includeDepth > 0)
            {
                throw line.Error("include_dir is only processed in the main configuration file (Mosquitto ignores it in an included file)");
            }

            var directory = line.Rest();
            string[] files;
            try
            {
                files = [.. Directory.EnumerateFiles(directory)
                    .Where(f => Path.GetFileName(f) is { Length: > 5 } name && name.EndsWith(".conf", StringComparison.Ordinal))];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw line.Error($"unable to open include_dir '{directory}': {e.Message}");
            }

            Array.Sort(files, (x, y) => CompareIncludedFileNames(Path.GetFileName(x), Path.GetFileName(y)));
            _includeDepth++;
            foreach (var file in files)
            {
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw line.Error($"cannot read included config file {file}: {e.Message}");
                }

                // Errors inside the included file name that file and its line.
                Read(text, file);
            }

            _includeDepth--;
        }

        private void WarnIfPerListener(ConfigLine line)
        {
            if (_listeners.Count > 0)
            {
                _warnings.Add($"'{line.Option}' on {line.Where} is a per-listener option in Mosquitto; Tether applies it to all listeners.");
            }
        }

        private void AddListener(ConfigLine line)
        {
            ValidateTls();
            var values = line.Values(1, 2);
            if (values[0] == "0")
            {
                throw line.Error("a listener with port 0 is a Unix socket listener in Mosquitto, and Tether does not support Unix sockets yet; use a TCP port");
            }

            var listener = new ListenerOptions { Port = line.Port(values[0]), BindAddress = values.Length > 1 ? values[1] : null };
            for (var i = 0; i < _listeners.Count; i++)
            {
                if (_listeners[i].Port == listener.Port && _listeners[i].BindAddress == listener.BindAddress)
                {
                    throw line.Error($"listener {values[0]}{(values.Length > 1 ? " " + values[1] : "")} is already defined on {_listenerLines[i]}");
                }
            }

            _listeners.Add(listener);
            _listenerLines.Add(line.Where);
        }

        private void ApplyTls(ConfigLine line)
        {
            switch (line.Option)
            {
                case "certfile":
                    var certFile = ExistingFile(line);
                    _tls.CertLine = line;
                    UpdateCurrentListener(l => l with { CertFile = certFile }, marksDefaultUsed: false);
                    break;
                case "keyfile":
                    var keyFile = ExistingFile(line);
                    _tls.KeyLine = line;
                    UpdateCurrentListener(l => l with { KeyFile = keyFile }, marksDefaultUsed: false);
                    break;
                case "cafile":
                    var caFile = ExistingFile(line);
                    var authorities = new X509Certificate2Collection();
                    try
                    {
                        authorities.ImportFromPemFile(caFile);
                    }
                    catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
                    {
                        throw line.Error($"cannot load CA certificates from '{caFile}': {e.Message}");
                    }

                    if (authorities.Count == 0)
                    {
                        throw line.Error($"'{caFile}' holds no PEM certificate");
                    }

                    UpdateCurrentListener(l => l with { CaFile = caFile }, marksDefaultUsed: false);
                    break;
                case "capath":
                    var caPath = line.Rest();
                    try
                    {
                        using var loaded = new DisposableCollection(CaDirectory.Load(caPath));
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                    {
                        throw line.Error($"cannot load CA certificates from the directory '{caPath}': {e.Message}");
                    }

                    UpdateCurrentListener(l => l with { CaPath = caPath }, marksDefaultUsed: false);
                    break;
                case "crlfile":
                    var crlFile = ExistingFile(line);
                    try
                    {
                        CertificateRevocationList.LoadPem(crlFile);
                    }
                    catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or FormatException)
                    {
                        throw line.Error($"cannot load the CRL file '{crlFile}': {e.Message}");
                    }

                    _tls.CrlLine = line;
                    UpdateCurrentListener(l => l with { CrlFile = crlFile }, marksDefaultUsed: false);
                    break;
                case "ciphers":
                    if (!OpenSslCipherList.TryParseTls12(line.Rest(), out var tls12Suites, out var unknown12))
                    {
                        throw line.Error($"unknown TLS 1.2 cipher '{unknown12}'; list OpenSSL cipher names separated by ':' (e.g. ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256); OpenSSL keywords such as HIGH, DEFAULT or !aNULL are not supported");
                    }

                    RequireCipherSuitesPolicy(line);
                    UpdateCurrentListener(l => l with { Ciphers = tls12Suites }, marksDefaultUsed: false);
                    break;
                case "ciphers_tls1.3":
                    if (!OpenSslCipherList.TryParseTls13(line.Rest(), out var tls13Suites, out var unknown13))
                    {
                        throw line.Error($"unknown TLS 1.3 cipher suite '{unknown13}'; use TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256, TLS_AES_128_CCM_SHA256 or TLS_AES_128_CCM_8_SHA256, separated by ':'");
                    }

                    RequireCipherSuitesPolicy(line);
                    UpdateCurrentListener(l => l with { CiphersTls13 = tls13Suites }, marksDefaultUsed: false);
                    break;
                case "use_identity_as_username":
                    var useIdentity = line.Bool();
                    _tls.UserNameLine = useIdentity ? line : _tls.UserNameLine;
                    UpdateCurrentListener(l => l with { UseIdentityAsUserName = useIdentity }, marksDefaultUsed: false);
                    break;
                case "use_subject_as_username":
                    var useSubject = line.Bool();
                    _tls.UserNameLine = useSubject ? line : _tls.UserNameLine;
                    UpdateCurrentListener(l => l with { UseSubjectAsUserName = useSubject }, marksDefaultUsed: false);
                    break;
                case "require_certificate":
                    var require = line.Bool();
                    _tls.RequireLine = require ? line : null;
                    UpdateCurrentListener(l => l with { RequireCertificate = require }, marksDefaultUsed: false);
                    break;
                case "tls_version":
                    // Mosquitto's tls_version is the lowest version allowed.
                    var versions = line.Single() switch
                    {
                        "tlsv1.3" => SslProtocols.Tls13,
                        "tlsv1.2" => SslProtocols.Tls12 | SslProtocols.Tls13,
                        "tlsv1.1" => throw line.Unsupported("'tls_version tlsv1.1'", "use tlsv1.2 or tlsv1.3"),
                        var other => throw line.InvalidValue(other, "tlsv1.2 or tlsv1.3"),
                    };
                    UpdateCurrentListener(l => l with { TlsVersions = versions }, marksDefaultUsed: false);
                    break;
            }
        }

        /// <summary>
        /// The path on the line, after checking it can be opened now, so that a missing or unreadable password or ACL
        /// file stops start-up naming this line (the file's own errors name the file's line when it is parsed).
        /// </summary>
        private static string ReadableFile(ConfigLine line, string what)
        {
            var path = line.Rest();
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw line.Error($"unable to open {what} '{path}': {e.Message}");
            }

            return path;
        }

        private static string ExistingFile(ConfigLine line)
        {
            var path = line.Rest();
            return File.Exists(path) ? path : throw line.Error($"cannot open '{path}': no such file");
        }

        /// <summary>Checks the TLS options of the listener that has just ended (the current one).</summary>
        private void ValidateTls()
        {
            var tls = _tls;
            _tls = new TlsLines();
            var listener = _listeners.Count > 0 ? _listeners[^1] : _defaultListener;
            if (tls.CertLine is { } certLine && tls.KeyLine is null)
            {
                throw certLine.Error("certfile needs a keyfile for the same listener");
            }

            if (tls.KeyLine is { } keyLine && tls.CertLine is null)
            {
                throw keyLine.Error("keyfile needs a certfile for the same listener");
            }

            if (tls.RequireLine is { } requireLine)
            {
                if (!listener.UsesTls)
                {
                    throw requireLine.Error("require_certificate needs certfile and keyfile for the same listener");
                }

                if (listener.CaFile is null && listener.CaPath is null)
                {
                    throw requireLine.Error("require_certificate needs a cafile or capath for the same listener, to check client certificates against");
                }
            }

            if (tls.UserNameLine is { } userNameLine && listener.UserNameFromCertificate && !listener.RequireCertificate)
            {
                // Mosquitto accepts it and then refuses every client, since it asks none for a certificate.
                throw userNameLine.Error($"{userNameLine.Option} needs 'require_certificate true' for the same listener: the user name comes from the client certificate");
            }

            if (tls.CrlLine is { } crlLine && !listener.RequireCertificate)
            {
                throw crlLine.Error("crlfile needs 'require_certificate true' for the same listener: it revokes client certificates");
            }

            if (tls.CertLine is { } line && listener.UsesTls)
            {
                try
                {
                    using var certificate = X509Certificate2.CreateFromPemFile(listener.CertFile!, listener.KeyFile);
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
                {
                    throw line.Error($"cannot load the certificate '{listener.CertFile}' with the key '{listener.KeyFile}': {e.Message}");
                }
            }
        }

        private sealed class TlsLines
        {
            public ConfigLine? CertLine { get; set; }

            public ConfigLine? KeyLine { get; set; }

            public ConfigLine? RequireLine { get; set; }

            public ConfigLine? CrlLine { get; set; }

            public ConfigLine? UserNameLine { get; set; }
        }

        private static void RequireCipherSuitesPolicy(ConfigLine line)
        {
            if (OperatingSystem.IsWindows())
            {
                throw line.Unsupported($"'{line.Option}' on this operating system", ".NET cannot restrict TLS cipher suites on Windows; remove the line");
            }
        }

        /// <summary>Disposes the certificates of a collection loaded only to check it.</summary>
        private readonly struct DisposableCollection(X509Certificate2Collection certificates) : IDisposable
        {
            public void Dispose()
            {
                foreach (var certificate in certificates)
                {
                    certificate.Dispose();
                }
            }
        }

        private void UpdateCurrentListener(Func<ListenerOptions, ListenerOptions> update, bool marksDefaultUsed)
        {
            if (_listeners.Count > 0)
            {
                _listeners[^1] = update(_listeners[^1]);
            }
            else
            {
                _defaultListener = update(_defaultListener);
                _defaultListenerUsed |= marksDefaultUsed;
            }
        }

        private void AddLogDestination(ConfigLine line)
        {
            var values = line.Values(1, int.MaxValue);
            LogDestination destination;
            switch (values[0])
            {
                case "none":
                    line.Values(1, 1);
                    _logDestinations = [];
                    return;
                case "stdout":
                    line.Values(1, 1);
                    destination = LogDestination.StandardOutput;
                    break;
                case "stderr":
                    line.Values(1, 1);
                    destination = LogDestination.StandardError;
                    break;
                case "file":
                    var path = line.Rest()["file".Length..].Trim();
                    if (path.Length == 0)
                    {
                        throw line.Error("'log_dest file' needs a path, e.g. 'log_dest file /var/log/mosquitto/mosquitto.log'");
                    }

                    destination = new LogDestination(LogDestinationKind.File, path);
                    var existing = _logDestinations?.Find(d => d.Kind == LogDestinationKind.File);
                    if (existing is not null && existing.Path != path)
                    {
                        throw line.Error($"only one log file can be configured, and '{existing.Path}' already is");
                    }

                    break;
                case "syslog":
                    line.Values(1, 1);
                    destination = new LogDestination(LogDestinationKind.Syslog, SyslogLoggerProvider.DefaultSocketPath);
                    break;
                case "topic":
                    line.Values(1, 1);
                    destination = new LogDestination(LogDestinationKind.Topic);
                    break;
                case "dlt":
                    throw line.Unsupported("'log_dest dlt'", "use stdout, stderr, file PATH, syslog or topic");
                default:
                    throw line.Error($"invalid log_dest '{values[0]}'; use stdout, stderr, file PATH, syslog, topic or none");
            }

            _logDestinations ??= [];
            if (!_logDestinations.Contains(destination))
            {
                _logDestinations.Add(destination);
            }
        }

        private void AddLogTypes(ConfigLine line)
        {
            // The first log_type line replaces the default set; later ones add to it, like Mosquitto.
            var types = _logTypes ?? MosquittoLogTypes.None;
            foreach (var value in line.Values(1, int.MaxValue))
            {
                types |= value switch
                {
                    "debug" => MosquittoLogTypes.Debug,
                    "error" => MosquittoLogTypes.Error,
                    "warning" => MosquittoLogTypes.Warning,
                    "notice" => MosquittoLogTypes.Notice,
                    "information" => MosquittoLogTypes.Information,
                    "subscribe" => MosquittoLogTypes.Subscribe,
                    "unsubscribe" => MosquittoLogTypes.Unsubscribe,
                    "websockets" => MosquittoLogTypes.WebSockets,
                    "all" => MosquittoLogTypes.All,
                    "none" => MosquittoLogTypes.None,
                    _ => throw line.Error($"invalid log_type '{value}'; use debug, error, warning, notice, information, subscribe, unsubscribe, websockets, none or all"),
                };
            }

            _logTypes = types;
        }

        private static bool NetworkInterfaceExists(string name)
        {
            foreach (var networkInterface in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (string.Equals(networkInterface.Name, name, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static TimeSpan ParseExpiration(ConfigLine line)
        {
            // mosquitto.conf(5): an integer followed by h, d, w, m or y (hour, day, week, month, year). Mosquitto counts
            // a month as 30 days and a year as 365; note 'm' is months, not minutes.
            var value = line.Single();
            const string Expected = "a positive integer followed by h, d, w, m or y (hours, days, weeks, months, years), e.g. 14d";
            if (value.Length < 2)
            {
                throw line.InvalidValue(value, Expected);
            }

            var unitSeconds = value[^1] switch
            {
                'h' => 3600L,
                'd' => 86_400L,
                'w' => 7 * 86_400L,
                'm' => 30 * 86_400L,
                'y' => 365 * 86_400L,
                _ => throw line.InvalidValue(value, Expected),
            };
            if (!long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || count > 100_000)
            {
                throw line.InvalidValue(value, Expected);
            }

            return TimeSpan.FromSeconds(count * unitSeconds);
        }

        private static MosquittoConfigException UnsupportedOption(ConfigLine line)
        {
            if (IsMosquittoOption(line.Option))
            {
                    return line.Unsupported($"option '{line.Option}'", "remove it or see the supported options in Tether's docs (examples/README.md)");
            }

            return new MosquittoConfigException(
                $"Unknown option '{line.Option}' ({line.Where}); check its spelling against mosquitto.conf(5), options are lower case",
                line.Source,
                line.Number,
                line.Option);
        }

        private static bool IsMosquittoOption(string option) =>
            MosquittoOnlyOptions.Contains(option)
            || option.StartsWith("bridge_", StringComparison.Ordinal)
            || option.StartsWith("auth_opt_", StringComparison.Ordinal)
            || option.StartsWith("plugin_opt_", StringComparison.Ordinal);
    }

    /// <summary>Options of Mosquitto 2.0 (mosquitto.conf(5)) that Tether does not handle yet; anything else is a typo.</summary>
    private static readonly HashSet<string> MosquittoOnlyOptions = new(StringComparer.Ordinal)
    {
        "address", "addresses", "allow_duplicate_messages", "auth_plugin", "auth_plugin_deny_special_chars",
        "check_retain_source",
        "cleansession", "clientid", "connection", "dhparamfile",
        "enable_control_api", "global_max_clients", "global_max_connections", "http_dir", "idle_timeout",
        "keepalive_interval", "listener_allow_anonymous", "listener_auto_id_prefix", "local_cleansession",
        "local_clientid", "local_password", "local_username", "memory_limit",
        "mount_point", "notification_topic", "notifications", "notifications_local_only", "ocsp_stapling", "password",
        "plugin", "plugin_load",
        "plugin_use", "psk_file", "psk_hint", "remote_clientid", "remote_password", "remote_username",
        "restart_timeout", "retry_interval", "round_robin", "start_type", "store_clean_interval", "threshold", "tls_engine",
        "tls_engine_kpass_sha1", "tls_keyform", "topic", "try_private", "use_username_as_clientid", "username", "websockets_origin", "accept_protocol_versions",
    };

    /// <summary>One non-comment line, split into the option and its values.</summary>
    private readonly struct ConfigLine
    {
        private readonly string _text;
        private readonly string[] _values;

        public ConfigLine(string text, string source, int number)
        {
            _text = text;
            Source = source;
            Number = number;
            var tokens = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            Option = tokens[0];

            // Mosquitto ignores words after the value; Tether accepts them only as a trailing '#' comment.
            var end = Array.FindIndex(tokens, 1, t => t[0] == '#');
            _values = tokens[1..(end < 0 ? tokens.Length : end)];
        }

        public string Option { get; }

        public string Source { get; }

        public int Number { get; }

        public string Where => string.Create(CultureInfo.InvariantCulture, $"line {Number} of {Source}");

        public string Single() => Values(1, 1)[0];

        public string[] Values(int min, int max)
        {
            if (_values.Length < min)
            {
                throw Error("it needs a value");
            }

            if (_values.Length > max)
            {
                throw Error($"unexpected '{_values[max]}' after the value (comments start with '#')");
            }

            return _values;
        }

        /// <summary>Everything after the option name: for values that may contain spaces.</summary>
        public string Rest()
        {
            var rest = _text[Option.Length..].Trim();
            return rest.Length == 0 ? throw Error("it needs a value") : rest;
        }

        public bool Bool() => Single() switch
        {
            "true" => true,
            "false" => false,
            var other => throw InvalidValue(other, "true or false"),
        };

        public int Port(string value) => Int(value, 1, 65535, "a port number from 1 to 65535");

        public int Int(string value, int min, int max, string expected) =>
            int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw InvalidValue(value, expected);

        public long Long(string value, long min, long max, string expected) =>
            long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw InvalidValue(value, expected);

        public MosquittoConfigException InvalidValue(string value, string expected) =>
            new($"Invalid value '{value}' for option '{Option}' ({Where}); expected {expected}", Source, Number, Option);

        public MosquittoConfigException Error(string problem) =>
            new($"Invalid '{Option}' ({Where}): {problem}", Source, Number, Option);

        public MosquittoConfigException Unsupported(string what, string advice) =>
            new($"Tether does not support {what} yet ({Where}); {advice}", Source, Number, Option);
    }
}
