using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Tether.Broker;
using Tether.Broker.Persistence;
using Tether.Persistence;

namespace Tether.Server;

// The host is ASP.NET Core's empty WebApplication with Kestrel's core only: no configuration sources, no HTTP
// middleware, no default URL. Each listener's ListenOptions runs MqttConnectionHandler directly, so a connection
// never meets HTTP. The generic host's console lifetime turns SIGINT/SIGTERM into a graceful stop, and
// BrokerShutdownService makes the broker say goodbye before Kestrel closes the sockets.

/// <summary>The broker behind Kestrel listeners, configured from a <see cref="TetherConfiguration"/>.</summary>
public sealed partial class TetherServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private readonly List<(ListenerOptions Listener, ListenOptions Kestrel)> _listenOptions = [];
    private readonly HashSet<int> _ipv6OnlyPorts = [];
    private readonly List<MosquittoFileLoggerProvider> _logFiles = [];
    private readonly MosquittoTopicLoggerProvider? _logTopic;
    private IReadOnlyList<BoundListener> _boundListeners = [];
    private readonly TetherServerOptions _options;
    private readonly IBrokerStore _store;
    private int _state; // 0 created, 1 started, 2 stopped

    /// <summary>Builds the server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="configuration">Broker options, listeners and logging.</param>
    /// <param name="options">Hosting options; <see cref="TetherServerOptions.Default"/> when null.</param>
    public TetherServer(TetherConfiguration configuration, TetherServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= TetherServerOptions.Default;
        _options = options;
        Configuration = configuration;

        // Password and ACL files load before anything else, so that a bad file stops start-up like a bad config line.
        _security = CreateSecurity(configuration);

        // So does the store: a damaged or foreign file stops start-up here, untouched (BrokerStoreException).
        _store = configuration.Persistence.Enabled ? SqliteBrokerStore.Open(configuration.Persistence.StorePath) : InMemoryBrokerStore.Instance;
        var time = options.TimeProvider ?? TimeProvider.System;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "tether" });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddSingleton(time);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton(sp => new MqttBroker(configuration.Broker, time, sp.GetRequiredService<ILoggerFactory>(), _store));
        builder.Services.AddHostedService<BrokerShutdownService>();
        builder.Services.Configure<SocketTransportOptions>(o =>
        {
            o.CreateBoundListenSocket = CreateBoundListenSocket;

            // Socket completions continue the connection's read loop and output on the I/O thread instead of hopping
            // through the thread pool: lower latency at a fixed rate and more fan-out throughput (BENCHMARKS.md
            // "On-demand connection writer"). The broker's read path does not wait: it enqueues, and the store and
            // the writers run elsewhere; its one synchronous I/O is a log line written to a file, as before.
            o.UnsafePreferInlineScheduling = true;
        });
        _logTopic = ConfigureLogging(builder.Logging, configuration.Logging, time, _logFiles);
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // websockets_headers_size: only WebSocket listeners speak HTTP, so the server-wide header limit is theirs.
            // Unset or 0 keeps Kestrel's default (32 KB) rather than libwebsockets' 1024 bytes, which refuses big cookies.
            if (configuration.WebSocketsHeadersSize > 0)
            {
                kestrel.Limits.MaxRequestHeadersTotalSize = configuration.WebSocketsHeadersSize;
            }

            var broker = kestrel.ApplicationServices.GetRequiredService<MqttBroker>();
            var loggerFactory = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>();
            foreach (var listener in configuration.AllListeners)
            {
                AddListener(kestrel, listener, broker, loggerFactory.CreateLogger<TetherServer>());
            }
        });

        _app = builder.Build();
        _logger = _app.Services.GetRequiredService<ILogger<TetherServer>>();
        AttachSecurity();
        _logTopic?.Attach(Broker);

        // The HTTP pipeline serves WebSocket listeners only; MQTT listeners never reach it.
        var webSockets = new MqttWebSocketEndpoint(Broker, time, _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(MosquittoLogFilter.WebSocketsCategory));
        _app.UseWebSockets(MqttWebSocketEndpoint.Options);
        _app.Run(webSockets.HandleAsync);
    }

    /// <summary>The configuration the server runs with.</summary>
    public TetherConfiguration Configuration { get; }

    /// <summary>The broker.</summary>
    public MqttBroker Broker => _app.Services.GetRequiredService<MqttBroker>();

    /// <summary>The sockets the server listens on, with their real ports; empty before <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<BoundListener> BoundListeners => _boundListeners;

    /// <summary>Opens the listeners and starts taking connections.</summary>
    /// <remarks>
    /// Started as root, Mosquitto switches to the <c>user</c> account (default <c>mosquitto</c>) after opening its
    /// listeners. Tether does not switch accounts itself; run it as the right user (systemd: <c>User=</c>). So started
    /// as root with <c>user</c> naming another account it refuses to start, and with no <c>user</c> line it warns
    /// and carries on as root.
    /// </remarks>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <exception cref="MosquittoConfigException">Running as root with <c>user</c> set to another account.</exception>
    /// <exception cref="PortInUseException">A listener's port is taken.</exception>
    /// <exception cref="IOException">A listener could not be opened for another reason.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server has already been started.");
        }

        LogStarting();
        CheckUser(_options.RunningAsRoot ?? Environment.IsPrivilegedProcess);

        // Mosquitto writes its pid file before opening the listeners, and cannot start without it.
        if (Configuration.PidFile is { } pidFile)
        {
            PidFile.Write(pidFile);
        }

        try
        {
            if (_store is SqliteBrokerStore sqlite)
            {
                var (retained, sessions) = await Broker.RestoreAsync(cancellationToken).ConfigureAwait(false);
                ServerLog.RestoredStore(_logger, sqlite.Path, retained, sessions);
            }

            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FindPortInUse(e) is { } portInUse && !ReferenceEquals(portInUse, e))
        {
            DeletePidFile();
            throw new PortInUseException(portInUse.EndPoint!, e);
        }
        catch
        {
            DeletePidFile();
            throw;
        }

        var bound = new List<BoundListener>(_listenOptions.Count);
        foreach (var (listener, kestrel) in _listenOptions)
        {
            if (kestrel.IPEndPoint is { } endPoint)
            {
                bound.Add(new BoundListener(listener, endPoint));
                LogOpened(endPoint, listener);
            }
        }

        _boundListeners = bound;
        ServerLog.Running(_logger, TetherVersion.Current);
        if (_store is SqliteBrokerStore store)
        {
            _ = StopOnStoreWriteFailureAsync(store);
        }
    }

    /// <summary>Completes when the server is asked to stop: SIGINT, SIGTERM, or <see cref="StopAsync"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitForShutdownSignalAsync(CancellationToken cancellationToken)
    {
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), stopping);
        return stopping.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts, runs until SIGINT or SIGTERM (or <paramref name="cancellationToken"/>), then stops gracefully.</summary>
    /// <param name="cancellationToken">Stops the server, like a signal.</param>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WaitForShutdownSignalAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);

        // Stopped because the store could not be written: the caller (the CLI) exits with an error, so that a
        // service manager sees a failure rather than a clean stop.
        if (_store is SqliteBrokerStore { WriteFailed.IsCompleted: true } failed)
        {
            throw await failed.WriteFailed.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops gracefully: the broker sends 5.0 clients DISCONNECT 0x8B and waits (up to
    /// <see cref="TetherServerOptions.ShutdownTimeout"/>) for connections to end, then Kestrel closes the listeners.
    /// </summary>
    /// <param name="cancellationToken">Cuts the graceful part short.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        await _app.StopAsync(cancellationToken).ConfigureAwait(false);

        // Every connection has ended and saved its session: commit the last batch and close the file.
        await _store.DisposeAsync().ConfigureAwait(false);
        DeletePidFile();
        ServerLog.Terminating(_logger, TetherVersion.Current);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _reloadSignal?.Dispose();
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);

        // A server never started still holds its store open; disposing twice is harmless.
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A store that cannot be written any more makes every QoS 1/2 publication to a persistent session wait forever
    /// for its acknowledgement. Rather than run on silently like that, the server says why, once, and stops; clients
    /// reconnect and resend what was not acknowledged once an operator has fixed the disk and started it again.
    /// </summary>
    private async Task StopOnStoreWriteFailureAsync(SqliteBrokerStore store)
    {
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        BrokerStoreException failure;
        try
        {
            // Watching ends with the server, so that a stopped server is not kept alive by this task.
            failure = await store.WriteFailed.WaitAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        ServerLog.StoreWriteFailed(_logger, store.Path, failure.InnerException?.Message ?? failure.Message);
        lifetime.StopApplication();
    }

    private void CheckUser(bool runningAsRoot)
    {
        if (!runningAsRoot || Configuration.User == "root")
        {
            return;
        }

        if (Configuration.User is not { } user)
        {
            ServerLog.RunningAsRoot(_logger);
            return;
        }

        throw new MosquittoConfigException(
            $"Tether was started as root with 'user {user}' ({Configuration.UserSetAt ?? "configuration"}), and it does not switch users itself as Mosquitto does. "
            + $"Start it as '{user}' instead (in a systemd unit: User={user}, with AmbientCapabilities=CAP_NET_BIND_SERVICE for ports below 1024), "
            + "or write 'user root' to really run as root.");
    }

    private void DeletePidFile()
    {
        if (Configuration.PidFile is { } pidFile)
        {
            PidFile.Delete(pidFile);
        }
    }

    private static MosquittoTopicLoggerProvider? ConfigureLogging(ILoggingBuilder logging, LoggingSettings settings, TimeProvider time, List<MosquittoFileLoggerProvider> logFiles)
    {
        MosquittoTopicLoggerProvider? topic = null;
        logging.ClearProviders();
        MosquittoLogFilter.Apply(logging, settings);
        var consoleUsed = false;
        foreach (var destination in settings.Destinations)
        {
            switch (destination.Kind)
            {
                case LogDestinationKind.StandardOutput or LogDestinationKind.StandardError when !consoleUsed:
                    consoleUsed = true;
                    var toStandardError = destination.Kind == LogDestinationKind.StandardError;
                    logging.AddConsole(o =>
                    {
                        o.FormatterName = MosquittoConsoleFormatter.FormatterName;
                        o.LogToStandardErrorThreshold = toStandardError ? LogLevel.Trace : LogLevel.None;
                    });
                    logging.AddConsoleFormatter<MosquittoConsoleFormatter, MosquittoConsoleFormatterOptions>(o =>
                    {
                        o.Timestamp = settings.Timestamp;
                        o.StrftimeFormat = settings.TimestampFormat;
                    });
                    break;
                case LogDestinationKind.StandardOutput or LogDestinationKind.StandardError:
                    // Both stdout and stderr: the console logger has one; the other gets a plain writer.
                    var stream = destination.Kind == LogDestinationKind.StandardError ? Console.OpenStandardError() : Console.OpenStandardOutput();
                    logging.AddProvider(new MosquittoFileLoggerProvider(stream, settings, time));
                    break;
                case LogDestinationKind.File:
                    var file = new MosquittoFileLoggerProvider(destination.Path!, settings, time);
                    logFiles.Add(file);
                    logging.AddProvider(file);
                    break;
                case LogDestinationKind.Syslog:
                    logging.AddProvider(new SyslogLoggerProvider(destination.Path ?? SyslogLoggerProvider.DefaultSocketPath, settings, time));
                    break;
                case LogDestinationKind.Topic:
                    topic ??= new MosquittoTopicLoggerProvider(settings, time);
                    logging.AddProvider(topic);
                    break;
            }
        }

        return topic;
    }

    private void AddListener(KestrelServerOptions kestrel, ListenerOptions listener, MqttBroker broker, ILogger logger)
    {
        var handler = new MqttConnectionHandler(broker, listener);
        ListenerTls? tls = null;
        if (listener.UsesTls)
        {
            tls = new ListenerTls(listener, logger);
            _tlsListeners.Add(tls);
        }

        void Configure(ListenOptions listenOptions)
        {
            if (listener.MaxConnections >= 0)
            {
                listenOptions.Use(next => new ConnectionLimitMiddleware(next, listener.MaxConnections, listener.Name, logger).OnConnectionAsync);
            }

            if (tls is not null)
            {
                UseTls(listenOptions, tls);
            }

            if (listener.Protocol == ListenerProtocol.WebSockets)
            {
                // No terminal delegate: Kestrel adds its HTTP/1.1 server, whose requests go to MqttWebSocketEndpoint.
                listenOptions.Protocols = HttpProtocols.Http1;
                listenOptions.Use(next => connection =>
                {
                    connection.Items[MqttWebSocketEndpoint.ListenerKey] = listener;
                    return next(connection);
                });
            }
            else
            {
                listenOptions.Run(handler.OnConnectedAsync);
            }

            _listenOptions.Add((listener, listenOptions));
        }

        foreach (var address in ResolveAddresses(listener))
        {
            if (address is null)
            {
                // All interfaces, both IP versions: Kestrel binds [::] dual-mode, or 0.0.0.0 where IPv6 is missing.
                kestrel.ListenAnyIP(listener.Port, Configure);
            }
            else
            {
                if (address.Equals(IPAddress.IPv6Any) && listener.SocketDomain == AddressFamily.InterNetworkV6)
                {
                    _ipv6OnlyPorts.Add(listener.Port);
                }

                kestrel.Listen(address, listener.Port, Configure);
            }
        }
    }

    /// <summary>The addresses to bind for a listener; a null entry means all interfaces of both IP versions.</summary>
    private static IEnumerable<IPAddress?> ResolveAddresses(ListenerOptions listener)
    {
        var domain = listener.SocketDomain;
        bool Wanted(IPAddress a) => domain is null || a.AddressFamily == domain;
        if (listener.BindInterface is { } interfaceName)
        {
            return InterfaceAddresses(listener, interfaceName, Wanted);
        }

        switch (listener.BindAddress)
        {
            case null:
                return domain switch
                {
                    AddressFamily.InterNetwork => [IPAddress.Any],
                    AddressFamily.InterNetworkV6 => [IPAddress.IPv6Any],
                    _ => [null],
                };
            case ListenerOptions.Localhost:
                IPAddress[] loopback = listener.Port == 0 || !IPv6LoopbackAvailable()
                    ? [IPAddress.Loopback] // One port 0 cannot be shared by two sockets.
                    : [IPAddress.Loopback, IPAddress.IPv6Loopback];
                return loopback.Where(Wanted).ToArray() is { Length: > 0 } chosen ? chosen : [domain == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback];
            case var text when IPAddress.TryParse(text, out var ip):
                return [ip];
            case var host:
                IPAddress[] resolved;
                try
                {
                    resolved = Dns.GetHostAddresses(host);
                }
                catch (SocketException e)
                {
                    throw new IOException($"Cannot listen on '{host}' (listener {listener.Name}): {e.Message}", e);
                }

                var usable = resolved.Where(Wanted).Distinct().ToArray();
                return usable.Length > 0 ? usable : throw new IOException($"Cannot listen on '{host}' (listener {listener.Name}): it has no {(domain == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} address.");
        }
    }

    /// <summary>bind_interface: the interface's own addresses (one when the port is 0, which two sockets cannot share).</summary>
    private static IPAddress[] InterfaceAddresses(ListenerOptions listener, string interfaceName, Func<IPAddress, bool> wanted)
    {
        var networkInterface = Array.Find(NetworkInterface.GetAllNetworkInterfaces(), n => string.Equals(n.Name, interfaceName, StringComparison.Ordinal))
            ?? throw new IOException($"Cannot listen on interface '{interfaceName}' (listener {listener.Name}): there is no such interface.");
        var addresses = networkInterface.GetIPProperties().UnicastAddresses.Select(a => a.Address).Where(wanted);
        if (listener.BindAddress is { } bindAddress)
        {
            // Mosquitto binds the address only if the interface has it.
            addresses = addresses.Where(a => IPAddress.TryParse(bindAddress, out var ip) ? a.Equals(ip) : bindAddress == ListenerOptions.Localhost && IPAddress.IsLoopback(a));
        }

        var usable = addresses.Distinct().ToArray();
        if (usable.Length == 0)
        {
            throw new IOException($"Cannot listen on interface '{interfaceName}' (listener {listener.Name}): it has no address that bind_address and socket_domain allow.");
        }

        return listener.Port == 0 ? usable[..1] : usable;
    }

    private static bool IPv6LoopbackAvailable()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private Socket CreateBoundListenSocket(EndPoint endPoint)
    {
        try
        {
            if (endPoint is IPEndPoint ip && ip.Address.Equals(IPAddress.IPv6Any) && _ipv6OnlyPorts.Contains(ip.Port))
            {
                // socket_domain ipv6 on all interfaces: Kestrel's default would make [::] dual-mode.
                var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = false };
                try
                {
                    socket.Bind(ip);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            return SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && endPoint is IPEndPoint ip)
        {
            // Thrown as an IOException so that Kestrel's any-address fallback does not retry it on IPv4.
            throw new PortInUseException(ip, e);
        }
    }

    private static PortInUseException? FindPortInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PortInUseException portInUse)
            {
                return portInUse;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(FindPortInUse).FirstOrDefault(p => p is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private void LogStarting()
    {
        ServerLog.Starting(_logger, TetherVersion.Current);
        if (Configuration.SourcePath is { } path)
        {
            ServerLog.ConfigLoaded(_logger, path);
        }
        else
        {
            ServerLog.UsingDefaultConfig(_logger);
        }

        foreach (var warning in Configuration.Warnings)
        {
            ServerLog.ConfigWarning(_logger, warning);
        }

        if (Configuration.Listeners.Count == 0 && Configuration.DefaultListener?.BindAddress == ListenerOptions.Localhost)
        {
            ServerLog.LocalOnlyMode(_logger);
            ServerLog.LocalOnlyModeAdvice(_logger);
        }
    }

    private void LogOpened(IPEndPoint endPoint, ListenerOptions listener)
    {
        if (listener.Protocol == ListenerProtocol.WebSockets)
        {
            // Mosquitto's line for a WebSocket listener, whatever the address family.
            ServerLog.OpeningListenSocket(_logger, "websockets", endPoint.Port);
            return;
        }

        if (endPoint.Address.Equals(IPAddress.IPv6Any) && listener.SocketDomain is null)
        {
            // A dual-mode socket serves both versions; Mosquitto opens one socket per version and logs both.
            ServerLog.OpeningListenSocket(_logger, "ipv4", endPoint.Port);
            ServerLog.OpeningListenSocket(_logger, "ipv6", endPoint.Port);
            return;
        }

        ServerLog.OpeningListenSocket(_logger, endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4", endPoint.Port);
    }
}
