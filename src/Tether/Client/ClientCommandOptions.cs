using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Tether.Client;
using Tether.Protocol;

namespace Tether.Cli.Client;

/// <summary>
/// The options <c>tether pub</c> and <c>tether sub</c> share, named as in mosquitto_pub and mosquitto_sub, and their
/// translation into <see cref="MqttClientOptions"/>. Errors are worded like the Mosquitto tools' own.
/// </summary>
/// <param name="command">"pub" or "sub": names the command in its default client id, its usage hint and the -D
/// commands it accepts.</param>
internal sealed class ClientCommandOptions(string command)
{
    private static readonly HashSet<string> PubPropertyCommands = ["connect", "publish", "disconnect", "will"];
    private static readonly HashSet<string> SubPropertyCommands = ["connect", "subscribe", "unsubscribe", "disconnect", "will"];

    public Option<string> Host { get; } = new("--host", "-h") { Description = "MQTT host to connect to (or a ws:// / wss:// URL). Defaults to localhost.", DefaultValueFactory = _ => "localhost", HelpName = "HOST" };

    public Option<int?> Port { get; } = new("--port", "-p") { Description = "Network port to connect to. Defaults to 1883 for plain MQTT and 8883 for MQTT over TLS.", HelpName = "PORT" };

    public Option<string?> Url { get; } = new("--url", "-L") { Description = "mqtt(s)://[username[:password]@]host[:port]/topic, or ws(s)://[username[:password]@]host[:port]/path (topic from -t).", HelpName = "URL" };

    public Option<int> QoS { get; } = new("--qos", "-q") { Description = "Quality of service level to use. Defaults to 0.", HelpName = "QOS" };

    public Option<string?> Id { get; } = new("--id", "-i") { Description = "Client id. Defaults to the command name and the process id.", HelpName = "ID" };

    public Option<string?> IdPrefix { get; } = new("--id-prefix", "-I") { Description = "Client id as this prefix followed by the process id.", HelpName = "PREFIX" };

    public Option<string?> UserName { get; } = new("--username", "-u") { Description = "Username.", HelpName = "USERNAME" };

    public Option<string?> Password { get; } = new("--pw", "-P") { Description = "Password.", HelpName = "PASSWORD" };

    public Option<int> KeepAlive { get; } = new("--keepalive", "-k") { Description = "Keep alive in seconds. Defaults to 60.", DefaultValueFactory = _ => 60, HelpName = "SECONDS" };

    public Option<string> Version { get; } = new("--protocol-version", "-V") { Description = "MQTT version: mqttv5, mqttv311 or mqttv31 (or 5, 311, 31). Defaults to mqttv311.", DefaultValueFactory = _ => "mqttv311", HelpName = "VERSION" };

    public Option<bool> NoCleanSession { get; } = new("--disable-clean-session", "-c") { Description = "Keep the session: no clean session, and (5.0) a session that never expires unless -x says otherwise." };

    public Option<long?> SessionExpiry { get; } = new("--session-expiry-interval", "-x") { Description = "5.0 session expiry interval in seconds (-1: never expires).", HelpName = "SECONDS" };

    public Option<string?> CaFile { get; } = new("--cafile") { Description = "PEM file of trusted CA certificates; enables TLS.", HelpName = "FILE" };

    public Option<string?> Cert { get; } = new("--cert") { Description = "Client certificate (PEM) for authentication, if required by the server.", HelpName = "FILE" };

    public Option<string?> Key { get; } = new("--key") { Description = "Client private key (PEM) for --cert.", HelpName = "FILE" };

    public Option<string?> CaPath { get; } = new("--capath") { Description = "Directory of PEM files of trusted CA certificates; enables TLS.", HelpName = "DIR" };

    public Option<string?> TlsVersion { get; } = new("--tls-version") { Description = "TLS version to use: tlsv1.3 or tlsv1.2. Defaults to what the system allows.", HelpName = "VERSION" };

    public Option<string?> BindAddress { get; } = new("--bind-address", "-A") { Description = "Bind the outgoing connection to this local address.", HelpName = "ADDRESS" };

    public Option<string[]> Property { get; } = new("--property", "-D")
    {
        Description = "MQTT 5.0 property: -D COMMAND NAME VALUE (user-property: -D COMMAND user-property KEY VALUE); may be repeated.",
        HelpName = "COMMAND NAME VALUE",
        AllowMultipleArgumentsPerToken = true,
        Arity = new ArgumentArity(3, 4),
    };

    public Option<bool> Insecure { get; } = new("--insecure") { Description = "Do not check the server certificate. Never in production." };

    public Option<string?> WillTopic { get; } = new("--will-topic") { Description = "Topic of the will the broker publishes if this client disconnects unexpectedly.", HelpName = "TOPIC" };

    public Option<string?> WillPayload { get; } = new("--will-payload") { Description = "Payload of the will.", HelpName = "PAYLOAD" };

    public Option<int> WillQoS { get; } = new("--will-qos") { Description = "QoS of the will.", HelpName = "QOS" };

    public Option<bool> WillRetain { get; } = new("--will-retain") { Description = "Retain the will." };

    public Option<bool> Debug { get; } = new("--debug", "-d") { Description = "Print a line for every packet sent and received, as the Mosquitto tools do." };

    public Option<bool> Quiet { get; } = new("--quiet") { Description = "Do not print error messages." };

    public Option<bool> PrintVersion { get; } = new("--version") { Description = "Print the version and exit." };

    public IEnumerable<Option> All =>
    [
        Host, Port, Url, QoS, Id, IdPrefix, UserName, Password, KeepAlive, Version, NoCleanSession, SessionExpiry,
        CaFile, CaPath, TlsVersion, BindAddress, Property, Cert, Key, Insecure, WillTopic, WillPayload, WillQoS, WillRetain, Debug, Quiet, PrintVersion,
    ];

    /// <summary>The command with the shared options first, then its own in the order given, as <c>--help</c> lists them.</summary>
    public Command CreateCommand(string description, params ReadOnlySpan<Option> own)
    {
        var created = new Command(command, description);
        foreach (var option in All)
        {
            created.Options.Add(option);
        }

        foreach (var option in own)
        {
            created.Options.Add(option);
        }

        return created;
    }

    /// <summary>A usage error as the Mosquitto tools print it, followed by the hint to --help; returns exit code 1.</summary>
    public int ReportUsage(TextWriter error, bool quiet, string? usage)
    {
        ConnectErrors.Write(error, quiet, "Error: " + usage);
        ConnectErrors.Write(error, quiet, $"\nUse 'tether {command} --help' to see usage.");
        return 1;
    }

    /// <summary>
    /// For <c>-d</c>: packet lines (mosquitto's wording) through <paramref name="writeLine"/>, and the client
    /// library's warnings (lost connections) on <paramref name="error"/>.
    /// </summary>
    public static MqttClientOptions WithDebug(MqttClientOptions options, Action<string> writeLine, TextWriter error, bool announceSubscriptions)
    {
        var printer = new PacketDebugPrinter(writeLine, options.ClientId, announceSubscriptions);
        return options with { PacketObserver = printer.Observe, LoggerFactory = new StandardErrorLoggerProvider(error) };
    }

    /// <summary>
    /// Builds the client options; on a usage error returns null and sets <paramref name="error"/> (without "Error: ").
    /// <paramref name="properties"/> are the <c>-D</c> properties (empty for 3.1.1, where mosquitto ignores them).
    /// </summary>
    public MqttClientOptions? Build(ParseResult parse, out PropertyArguments properties, out string? urlTopic, out string? error)
    {
        urlTopic = null;
        properties = new PropertyArguments();
        var fromArguments = PropertyArguments.TryParse(parse.GetValue(Property) ?? [], command == "pub" ? PubPropertyCommands : SubPropertyCommands, out error);
        if (fromArguments is null)
        {
            return null;
        }

        if (parse.GetValue(Version) is "mqttv5" or "5")
        {
            properties = fromArguments;
        }

        var qos = parse.GetValue(QoS);
        if (qos is < 0 or > 2)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"Invalid QoS given: {qos}");
            return null;
        }

        var version = parse.GetValue(Version) switch
        {
            "mqttv5" or "5" => ProtocolVersion.V500,
            "mqttv311" or "311" => ProtocolVersion.V311,
            "mqttv31" or "31" => ProtocolVersion.V310,
            _ => ProtocolVersion.Unknown,
        };
        if (version == ProtocolVersion.Unknown)
        {
            error = "Invalid protocol version argument given.";
            return null;
        }

        var keepAlive = parse.GetValue(KeepAlive);
        if (keepAlive is < 0 or > 65535)
        {
            error = "Invalid keepalive given, it must be between 5 and 65535 inclusive.";
            return null;
        }

        var processId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var clientId = parse.GetValue(Id) ?? (parse.GetValue(IdPrefix) is { } prefix ? prefix + processId : "tether_" + command + "_" + processId);
        var keepSession = parse.GetValue(NoCleanSession);
        var expiry = parse.GetValue(SessionExpiry) ?? (keepSession ? -1 : 0);
        var options = MqttClientOptions.Default with
        {
            ClientId = clientId,
            ProtocolVersion = version,
            KeepAlive = TimeSpan.FromSeconds(keepAlive),
            CleanStart = !keepSession,
            SessionExpiry = expiry < 0 ? TimeSpan.FromSeconds(uint.MaxValue) : TimeSpan.FromSeconds(expiry),
        };

        var host = parse.GetValue(Host) ?? "localhost";
        var port = parse.GetValue(Port);
        var user = parse.GetValue(UserName);
        var password = parse.GetValue(Password);
        var tlsWanted = parse.GetValue(CaFile) is not null || parse.GetValue(CaPath) is not null || parse.GetValue(Insecure) || parse.GetValue(Cert) is not null;
        Uri? uri = null;
        if (parse.GetValue(Url) is { } url || (host.Contains("://", StringComparison.Ordinal) && (url = host) is not null))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("mqtt" or "mqtts" or "ws" or "wss"))
            {
                error = "Unsupported URL scheme.";
                return null;
            }

            if (parsed.UserInfo.Length > 0)
            {
                var parts = parsed.UserInfo.Split(':', 2);
                user = Uri.UnescapeDataString(parts[0]);
                password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : password;
            }

            var secure = parsed.Scheme is "mqtts" or "wss";
            tlsWanted |= secure;
            if (parsed.Scheme is "mqtt" or "mqtts")
            {
                // As mosquitto's -L: the path is the topic.
                urlTopic = parsed.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(parsed.AbsolutePath[1..]) : null;
                uri = new Uri($"{parsed.Scheme}://{parsed.Host}:{(parsed.IsDefaultPort || parsed.Port < 0 ? (secure ? 8883 : 1883) : parsed.Port)}");
            }
            else
            {
                uri = new UriBuilder(parsed) { UserName = string.Empty, Password = string.Empty }.Uri;
            }
        }
        else
        {
            var resolved = port ?? (tlsWanted ? 8883 : 1883);
            uri = new Uri((tlsWanted ? "mqtts://" : "mqtt://") + (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + resolved.ToString(CultureInfo.InvariantCulture));
        }

        options = options with { Uri = uri, ConnectUserProperties = properties.ConnectUserProperties };
        if (properties.SessionExpiry is { } sessionExpiry)
        {
            options = options with { SessionExpiry = TimeSpan.FromSeconds(sessionExpiry) };
        }

        if (parse.GetValue(BindAddress) is { } bind)
        {
            if (!System.Net.IPAddress.TryParse(bind, out var address))
            {
                error = $"Invalid bind address \"{bind}\": give a local IP address.";
                return null;
            }

            options = options with { BindAddress = address };
        }

        if (parse.GetValue(TlsVersion) is { } tlsVersion && tlsVersion is not ("tlsv1.3" or "tlsv1.2"))
        {
            // mosquitto accepts tlsv1.1 as well; .NET no longer offers it, and the wording is mosquitto's for a bad version.
            error = "Problem setting TLS options, check the options are valid.";
            return null;
        }

        if (user is not null)
        {
            options = options with { Credentials = new MqttCredentials(user, password) };
        }
        else if (password is not null)
        {
            error = "You must provide a username if a password is given.";
            return null;
        }

        if (tlsWanted)
        {
            options = options with { Tls = BuildTls(parse) };
        }

        if (parse.GetValue(WillTopic) is { } willTopic)
        {
            options = options with
            {
                Will = new MqttApplicationMessage(willTopic, System.Text.Encoding.UTF8.GetBytes(parse.GetValue(WillPayload) ?? string.Empty), (QualityOfService)Math.Clamp(parse.GetValue(WillQoS), 0, 2), parse.GetValue(WillRetain)),
            };
        }

        return options;
    }

    private MqttTlsOptions BuildTls(ParseResult parse)
    {
        var tls = new MqttTlsOptions
        {
            CaFile = parse.GetValue(CaFile),
            CaDirectory = parse.GetValue(CaPath),
            AllowUntrustedCertificates = parse.GetValue(Insecure),
            Protocols = parse.GetValue(TlsVersion) switch
            {
                "tlsv1.3" => System.Security.Authentication.SslProtocols.Tls13,
                "tlsv1.2" => System.Security.Authentication.SslProtocols.Tls12,
                _ => System.Security.Authentication.SslProtocols.None,
            },
        };
        if (parse.GetValue(Cert) is { } certFile)
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, parse.GetValue(Key));

            // A PEM key is ephemeral; a PKCS#12 round trip gives TLS a key it can use on every platform.
            tls = tls with { ClientCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null) };
        }

        return tls;
    }
}
