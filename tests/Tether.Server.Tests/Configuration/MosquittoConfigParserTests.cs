using System.Net.Sockets;
using Tether.Broker;

namespace Tether.Server.Tests.Configuration;

public class MosquittoConfigParserTests
{
    private const string Source = "/etc/mosquitto/mosquitto.conf";

    private static TetherConfiguration Parse(string text) => MosquittoConfigParser.Parse(text, Source);

    private static MosquittoConfigException ParseError(string text) => Assert.Throws<MosquittoConfigException>(() => Parse(text));

    [Fact]
    public void Empty_file_is_local_only_mode_with_anonymous_access()
    {
        var config = Parse("");
        Assert.Empty(config.Listeners);
        Assert.Equal(ListenerOptions.LocalOnly(), config.DefaultListener);
        Assert.Equal("localhost", config.DefaultListener!.BindAddress);
        Assert.Equal(1883, config.DefaultListener.Port);
        Assert.True(config.Broker.AllowAnonymous);
        Assert.Equal(Source, config.SourcePath);
    }

    [Fact]
    public void Default_configuration_is_local_only_mode()
    {
        Assert.Equal(ListenerOptions.LocalOnly(), TetherConfiguration.Default.DefaultListener);
        Assert.Single(TetherConfiguration.Default.AllListeners);
        Assert.True(TetherConfiguration.Default.Broker.AllowAnonymous);
    }

    [Fact]
    public void Comments_blank_lines_whitespace_and_crlf_are_ignored()
    {
        var config = Parse("# comment\r\n\r\n   \t\n   # indented comment\n  listener 1884   \r\n\tmax_connections\t7 # trailing comment\n");
        var listener = Assert.Single(config.Listeners);
        Assert.Equal(1884, listener.Port);
        Assert.Equal(7, listener.MaxConnections);
    }

    [Fact]
    public void Global_options_alone_keep_local_only_mode()
    {
        var config = Parse("max_inflight_messages 5\nallow_zero_length_clientid false\n");
        Assert.Equal(ListenerOptions.LocalOnly(), config.DefaultListener);
        Assert.True(config.Broker.AllowAnonymous);
    }

    [Fact]
    public void Listener_with_address()
    {
        var config = Parse("listener 8883 192.168.1.10\n");
        var listener = Assert.Single(config.AllListeners);
        Assert.Equal(new ListenerOptions { Port = 8883, BindAddress = "192.168.1.10" }, listener);
        Assert.Null(config.DefaultListener);
    }

    [Fact]
    public void A_listener_denies_anonymous_access_unless_allowed()
    {
        Assert.False(Parse("listener 1883\n").Broker.AllowAnonymous);
        Assert.False(Parse("port 1883\n").Broker.AllowAnonymous);
        Assert.True(Parse("listener 1883\nallow_anonymous true\n").Broker.AllowAnonymous);
        Assert.False(Parse("allow_anonymous false\n").Broker.AllowAnonymous);
    }

    [Fact]
    public void Port_configures_the_default_listener_on_all_interfaces()
    {
        var config = Parse("port 1884\n");
        Assert.Equal(new ListenerOptions { Port = 1884 }, config.DefaultListener);
        Assert.Empty(config.Listeners);
    }

    [Fact]
    public void Port_and_bind_address_after_a_listener_still_configure_the_default_listener()
    {
        // Mosquitto 2.0.11: "listener 1884" then "port 1885" opens both; bind_address only ever applies to the default listener.
        var config = Parse("listener 1884\nport 1885\nbind_address 127.0.0.1\n");
        Assert.Equal(new ListenerOptions { Port = 1884 }, Assert.Single(config.Listeners));
        Assert.Equal(new ListenerOptions { Port = 1885, BindAddress = "127.0.0.1" }, config.DefaultListener);
        Assert.Equal([1884, 1885], config.AllListeners.Select(l => l.Port));
    }

    [Fact]
    public void Second_port_line_wins_with_a_warning()
    {
        var config = Parse("port 1884\nport 1885\n");
        Assert.Equal(1885, config.DefaultListener!.Port);
        Assert.Contains("line 1", Assert.Single(config.Warnings));
    }

    [Fact]
    public void Listener_options_before_any_listener_make_the_default_listener_real()
    {
        var config = Parse("max_connections 10\nlistener 1884\n");
        Assert.Equal(new ListenerOptions { Port = 1883, MaxConnections = 10 }, config.DefaultListener);
        Assert.Equal(new ListenerOptions { Port = 1884 }, Assert.Single(config.Listeners));
        Assert.False(config.Broker.AllowAnonymous);
    }

    [Fact]
    public void Socket_domain_before_any_listener_makes_the_default_listener_real()
    {
        var config = Parse("socket_domain ipv4\n");
        Assert.Equal(new ListenerOptions { Port = 1883, SocketDomain = AddressFamily.InterNetwork }, config.DefaultListener);
    }

    [Fact]
    public void Per_listener_options_attach_to_the_most_recent_listener()
    {
        var config = Parse("listener 1884\nmax_connections 5\nlistener 1885 ::1\nsocket_domain ipv6\nprotocol mqtt\nmax_connections -5\n");
        Assert.Equal(
            [
                new ListenerOptions { Port = 1884, MaxConnections = 5 },
                new ListenerOptions { Port = 1885, BindAddress = "::1", SocketDomain = AddressFamily.InterNetworkV6, MaxConnections = -1 },
            ],
            config.Listeners);
        Assert.Null(config.DefaultListener);
    }

    [Fact]
    public void Protocol_mqtt_alone_keeps_local_only_mode()
    {
        Assert.Equal(ListenerOptions.LocalOnly(), Parse("protocol mqtt\n").DefaultListener);
    }

    [Fact]
    public void Every_broker_option_is_read()
    {
        var config = Parse("""
            allow_anonymous true
            max_keepalive 120
            max_inflight_messages 10
            max_queued_messages 500
            max_queued_bytes 1048576
            queue_qos0_messages true
            message_size_limit 65536
            max_packet_size 131072
            max_topic_alias 20
            retain_available false
            max_qos 1
            allow_zero_length_clientid false
            auto_id_prefix tether-
            persistent_client_expiration 14d
            sys_interval 30
            upgrade_outgoing_qos true
            set_tcp_nodelay true
            per_listener_settings true
            """);
        var expected = BrokerOptions.Default with
        {
            AllowAnonymous = true,
            MaxKeepAliveSeconds = 120,
            MaxInflightMessages = 10,
            MaxQueuedMessages = 500,
            MaxQueuedBytes = 1048576,
            QueueQoS0Messages = true,
            MessageSizeLimit = 65536,
            MaxPacketSize = 131072,
            MaxTopicAlias = 20,
            RetainAvailable = false,
            MaxQoS = 1,
            AllowZeroLengthClientId = false,
            AutoIdPrefix = "tether-",
            PersistentClientExpiration = TimeSpan.FromDays(14),
            SysIntervalSeconds = 30,
            UpgradeOutgoingQoS = true,
        };
        Assert.Equal(expected, config.Broker);
        Assert.True(config.SetTcpNoDelay);
        Assert.True(config.PerListenerSettings);
    }

    [Theory]
    [InlineData("1h", 3600L)]
    [InlineData("2d", 2 * 86400L)]
    [InlineData("1w", 7 * 86400L)]
    [InlineData("1m", 30 * 86400L)] // 'm' is a month (30 days) in Mosquitto, not a minute.
    [InlineData("1y", 365 * 86400L)]
    public void Persistent_client_expiration_uses_mosquittos_units(string value, long seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parse($"persistent_client_expiration {value}\n").Broker.PersistentClientExpiration);
    }

    [Fact]
    public void Logging_options_are_read()
    {
        var config = Parse("""
            log_dest stdout
            log_dest file /var/log/mosquitto/mosquitto log.txt
            log_type error
            log_type warning subscribe
            log_timestamp false
            log_timestamp_format %Y-%m-%d %H:%M:%S
            connection_messages false
            """);
        Assert.Equal(
            [LogDestination.StandardOutput, new LogDestination(LogDestinationKind.File, "/var/log/mosquitto/mosquitto log.txt")],
            config.Logging.Destinations);
        Assert.Equal(MosquittoLogTypes.Error | MosquittoLogTypes.Warning | MosquittoLogTypes.Subscribe, config.Logging.Types);
        Assert.False(config.Logging.Timestamp);
        Assert.Equal("%Y-%m-%d %H:%M:%S", config.Logging.TimestampFormat);
        Assert.False(config.Logging.ConnectionMessages);
    }

    [Fact]
    public void Logging_defaults_follow_mosquitto()
    {
        var logging = Parse("").Logging;
        Assert.Equal([LogDestination.StandardError], logging.Destinations);
        Assert.Equal(MosquittoLogTypes.Default, logging.Types);
        Assert.True(logging.Timestamp);
        Assert.Null(logging.TimestampFormat);
        Assert.True(logging.ConnectionMessages);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, logging.MinimumLevel);
    }

    [Fact]
    public void Log_dest_none_and_log_type_all_and_none()
    {
        Assert.Empty(Parse("log_dest none\n").Logging.Destinations);
        Assert.Equal(MosquittoLogTypes.All, Parse("log_type all\n").Logging.Types);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Trace, Parse("log_type all\n").Logging.MinimumLevel);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.None, Parse("log_type none\n").Logging.MinimumLevel);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, Parse("log_type warning\n").Logging.MinimumLevel);
    }

    [Fact]
    public void Max_qos_after_a_listener_applies_to_all_listeners_with_a_warning()
    {
        var config = Parse("listener 1884\nmax_qos 1\n");
        Assert.Equal(1, config.Broker.MaxQoS);
        Assert.Contains("line 2", Assert.Single(config.Warnings));
    }

    [Fact]
    public void With_default_listener_port_replaces_the_default_listeners_port()
    {
        Assert.Equal(ListenerOptions.LocalOnly(1886), TetherConfiguration.Default.WithDefaultListenerPort(1886).DefaultListener);
        Assert.Equal(new ListenerOptions { Port = 1886 }, Parse("port 1884\n").WithDefaultListenerPort(1886).DefaultListener);

        var explicitOnly = Parse("listener 1884\n").WithDefaultListenerPort(1886);
        Assert.Equal([1884, 1886], explicitOnly.AllListeners.Select(l => l.Port));
        Assert.Equal("localhost", explicitOnly.DefaultListener!.BindAddress);
    }

    [Theory]
    [InlineData("foo_bar 1", 1, "foo_bar", "Unknown option 'foo_bar'")]
    [InlineData("# c\nPORT 1883", 2, "PORT", "Unknown option 'PORT'")]
    [InlineData("\n\nmount_point site1/", 3, "mount_point", "Tether does not support option 'mount_point' yet (line 3 of /etc/mosquitto/mosquitto.conf); remove it")]
    [InlineData("memory_limit 1000", 1, "memory_limit", "Tether does not support option 'memory_limit' yet")]
    [InlineData("persistence maybe", 1, "persistence", "persistence")]
    [InlineData("bridge_cafile x", 1, "bridge_cafile", "Tether does not support option 'bridge_cafile' yet")]
    [InlineData("listener 9001\nprotocol websockets\nwebsockets_ping_interval -1", 3, "websockets_ping_interval", "Invalid value '-1'")]
    [InlineData("protocol http", 1, "protocol", "invalid protocol 'http'")]
    [InlineData("listener", 1, "listener", "it needs a value")]
    [InlineData("listener abc", 1, "listener", "Invalid value 'abc' for option 'listener'")]
    [InlineData("listener 0", 1, "listener", "Unix sockets")]
    [InlineData("listener 70000", 1, "listener", "Invalid value '70000'")]
    [InlineData("listener 1884 127.0.0.1 extra", 1, "listener", "unexpected 'extra'")]
    [InlineData("listener 1884\nlistener 1884", 2, "listener", "already defined on line 1")]
    [InlineData("port abc", 1, "port", "expected a port number from 1 to 65535")]
    [InlineData("port -1", 1, "port", "Invalid value '-1'")]
    [InlineData("port 1883 1884", 1, "port", "unexpected '1884'")]
    [InlineData("bind_address", 1, "bind_address", "it needs a value")]
    [InlineData("max_connections many", 1, "max_connections", "Invalid value 'many'")]
    [InlineData("socket_domain ipv5", 1, "socket_domain", "invalid socket_domain 'ipv5'")]
    [InlineData("allow_anonymous yes", 1, "allow_anonymous", "expected true or false")]
    [InlineData("allow_anonymous", 1, "allow_anonymous", "it needs a value")]
    [InlineData("max_keepalive 5", 1, "max_keepalive", "Invalid value '5'")]
    [InlineData("max_keepalive 65536", 1, "max_keepalive", "Invalid value '65536'")]
    [InlineData("max_inflight_messages 70000", 1, "max_inflight_messages", "Invalid value '70000'")]
    [InlineData("max_inflight_messages -5", 1, "max_inflight_messages", "Invalid value '-5'")]
    [InlineData("max_queued_messages -1", 1, "max_queued_messages", "0 for no limit")]
    [InlineData("max_queued_bytes x", 1, "max_queued_bytes", "Invalid value 'x'")]
    [InlineData("queue_qos0_messages 1", 1, "queue_qos0_messages", "true or false")]
    [InlineData("message_size_limit 300000000", 1, "message_size_limit", "Invalid value '300000000'")]
    [InlineData("max_packet_size 19", 1, "max_packet_size", "from 20 to")]
    [InlineData("max_topic_alias 70000", 1, "max_topic_alias", "Invalid value '70000'")]
    [InlineData("retain_available no", 1, "retain_available", "true or false")]
    [InlineData("max_qos 3", 1, "max_qos", "0, 1 or 2")]
    [InlineData("allow_zero_length_clientid maybe", 1, "allow_zero_length_clientid", "true or false")]
    [InlineData("auto_id_prefix", 1, "auto_id_prefix", "it needs a value")]
    [InlineData("persistent_client_expiration 5s", 1, "persistent_client_expiration", "Invalid value '5s'")]
    [InlineData("persistent_client_expiration 0h", 1, "persistent_client_expiration", "Invalid value '0h'")]
    [InlineData("persistent_client_expiration 2", 1, "persistent_client_expiration", "Invalid value '2'")]
    [InlineData("persistent_client_expiration h", 1, "persistent_client_expiration", "Invalid value 'h'")]
    [InlineData("sys_interval -1", 1, "sys_interval", "Invalid value '-1'")]
    [InlineData("sys_interval 65536", 1, "sys_interval", "Invalid value '65536'")]
    [InlineData("upgrade_outgoing_qos on", 1, "upgrade_outgoing_qos", "true or false")]
    [InlineData("log_dest dlt", 1, "log_dest", "Tether does not support 'log_dest dlt' yet")]
    [InlineData("log_dest syslog extra", 1, "log_dest", "unexpected 'extra'")]
    [InlineData("log_facility 8", 1, "log_facility", "0 to 7 (local0 to local7)")]
    [InlineData("log_facility local5", 1, "log_facility", "Invalid value 'local5'")]
    [InlineData("log_dest foo", 1, "log_dest", "invalid log_dest 'foo'")]
    [InlineData("log_dest file", 1, "log_dest", "needs a path")]
    [InlineData("log_dest file /a.log\nlog_dest file /b.log", 2, "log_dest", "only one log file")]
    [InlineData("log_type foo", 1, "log_type", "invalid log_type 'foo'")]
    [InlineData("log_timestamp maybe", 1, "log_timestamp", "true or false")]
    [InlineData("log_timestamp_format", 1, "log_timestamp_format", "it needs a value")]
    [InlineData("connection_messages 0", 1, "connection_messages", "true or false")]
    [InlineData("set_tcp_nodelay yes", 1, "set_tcp_nodelay", "true or false")]
    [InlineData("per_listener_settings yes", 1, "per_listener_settings", "true or false")]
    public void Errors_name_the_file_the_line_and_the_option(string text, int line, string option, string messagePart)
    {
        var error = ParseError(text + "\n");
        Assert.Equal(line, error.LineNumber);
        Assert.Equal(option, error.Option);
        Assert.Equal(Source, error.SourceName);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line} of {Source}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_option_message_says_what_to_do()
    {
        var error = ParseError("\n\n\n\n\n\n\n\n\n\n\nplugin /usr/lib/mosquitto_dynamic_security.so\n");
        Assert.StartsWith("Tether does not support option 'plugin' yet (line 12 of /etc/mosquitto/mosquitto.conf); remove it or see", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_config_error()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".conf");
        var error = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.ParseFile(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_file_reads_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, "listener 1884\nallow_anonymous true\n");
        try
        {
            var config = MosquittoConfigParser.ParseFile(path);
            Assert.Equal(path, config.SourcePath);
            Assert.Equal(1884, Assert.Single(config.AllListeners).Port);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Examples_local_config_parses()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "local", "mosquitto.conf");
        var config = MosquittoConfigParser.ParseFile(path);
        Assert.NotEmpty(config.AllListeners);
    }

    [Fact]
    public void Examples_seed_config_parses_with_persistence_in_tether_db_under_its_location()
    {
        // The password file must exist when the configuration is read; only its path is adapted here.
        var passwordFile = Path.GetTempFileName();
        try
        {
            var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "seed", "mosquitto.conf"))
                .Replace("/mosquitto/config/passwd", passwordFile, StringComparison.Ordinal);
            var config = MosquittoConfigParser.Parse(seed, "seed/mosquitto.conf");
            Assert.True(config.Persistence.Enabled);
            Assert.Equal("/mosquitto/data/tether.db", config.Persistence.StorePath);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    [Fact]
    public void Examples_seed_config_without_its_password_file_names_the_line()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "seed", "mosquitto.conf");
        var error = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.ParseFile(path));
        Assert.Contains("password_file", error.Message, StringComparison.Ordinal);
        Assert.Contains("line ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", false, "tether.db")]
    [InlineData("persistence true", true, "tether.db")]
    [InlineData("persistence true\npersistence_location /var/lib/tether/", true, "/var/lib/tether/tether.db")]
    [InlineData("persistence true\npersistence_file broker.db\npersistence_location data", true, "data/broker.db")]
    [InlineData("persistence false\npersistence_file broker.db", false, "broker.db")]
    public void Persistence_options_name_the_store_file(string text, bool enabled, string storePath)
    {
        var config = MosquittoConfigParser.Parse(text, "test.conf");
        Assert.Equal(enabled, config.Persistence.Enabled);
        Assert.Equal(storePath, config.Persistence.StorePath);
    }

    [Theory]
    [InlineData("autosave_interval 1800")]
    [InlineData("autosave_on_changes true")]
    public void Autosave_options_are_accepted_with_a_warning_that_they_have_no_effect(string line)
    {
        var config = MosquittoConfigParser.Parse(line, "test.conf");
        Assert.Contains(config.Warnings, w => w.Contains("has no effect", StringComparison.Ordinal));
    }
}
