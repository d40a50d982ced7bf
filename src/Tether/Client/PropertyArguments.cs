using System.Globalization;
using System.Text;
using Tether.Client;

namespace Tether.Cli.Client;

/// <summary>
/// <c>-D</c>/<c>--property COMMAND NAME VALUE</c> (a user-property takes <c>KEY VALUE</c>), as in mosquitto_pub and
/// mosquitto_sub: MQTT 5.0 properties for CONNECT and PUBLISH. Like the Mosquitto tools they are ignored for older
/// protocol versions, and a property the packet cannot carry is a usage error worded like theirs.
/// </summary>
internal sealed record PropertyArguments
{
    /// <summary>CONNECT: session expiry interval in seconds.</summary>
    public uint? SessionExpiry { get; init; }

    /// <summary>CONNECT: user properties.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConnectUserProperties { get; init; } = [];

    /// <summary>PUBLISH properties, applied to a message with <see cref="ApplyTo"/>.</summary>
    public string? ContentType { get; init; }

    /// <summary>PUBLISH: response topic.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>PUBLISH: correlation data (the argument's UTF-8 bytes).</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>PUBLISH: message expiry interval in seconds.</summary>
    public uint? MessageExpiry { get; init; }

    /// <summary>PUBLISH: payload format indicator (0 bytes, 1 UTF-8).</summary>
    public byte? PayloadFormat { get; init; }

    /// <summary>PUBLISH: user properties.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PublishUserProperties { get; init; } = [];

    /// <summary>
    /// Parses the flat token list System.CommandLine collects from every <c>-D</c>: each occurrence is COMMAND NAME
    /// VALUE, with one more VALUE for user-property, so the boundaries follow from the names.
    /// </summary>
    public static PropertyArguments? TryParse(IReadOnlyList<string> tokens, IReadOnlySet<string> commands, out string? error)
    {
        error = null;
        var result = new PropertyArguments();
        var connectUsers = new List<KeyValuePair<string, string>>();
        var publishUsers = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (i + 2 >= tokens.Count)
            {
                error = "--property argument given but not enough arguments specified.";
                return null;
            }

            var command = tokens[i].ToLowerInvariant();
            var name = tokens[i + 1].ToLowerInvariant();
            var value = tokens[i + 2];
            i += 3;
            if (!commands.Contains(command) && command is not ("connect" or "publish" or "subscribe" or "unsubscribe" or "disconnect" or "will" or "auth" or "puback" or "pubrec" or "pubrel" or "pubcomp"))
            {
                error = $"Invalid command {tokens[i - 3]} given in --property argument.";
                return null;
            }

            if (!KnownNames.Contains(name))
            {
                error = "Invalid property name given in --property argument.";
                return null;
            }

            string? second = null;
            if (name == "user-property")
            {
                if (i >= tokens.Count)
                {
                    error = "--property argument given but not enough arguments specified.";
                    return null;
                }

                second = tokens[i++];
            }

            var allowed = command switch
            {
                "connect" => name is "session-expiry-interval" or "user-property",
                "publish" => name is "content-type" or "response-topic" or "correlation-data" or "message-expiry-interval" or "payload-format-indicator" or "user-property",
                _ => false,
            };
            if (!allowed || !commands.Contains(command))
            {
                error = IsValidFor(command, name)
                    ? $"the {name} property for {command} is not supported by tether (connect: session-expiry-interval, user-property; publish: content-type, correlation-data, message-expiry-interval, payload-format-indicator, response-topic, user-property)."
                    : $"{name} property not allowed for {command} in --property argument.";
                return null;
            }

            switch (command, name)
            {
                case ("connect", "session-expiry-interval"):
                    if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
                    {
                        error = "Invalid property value given in --property argument.";
                        return null;
                    }

                    result = result with { SessionExpiry = expiry };
                    break;
                case ("connect", "user-property"):
                    connectUsers.Add(new(value, second!));
                    break;
                case ("publish", "user-property"):
                    publishUsers.Add(new(value, second!));
                    break;
                case (_, "content-type"):
                    result = result with { ContentType = value };
                    break;
                case (_, "response-topic"):
                    result = result with { ResponseTopic = value };
                    break;
                case (_, "correlation-data"):
                    result = result with { CorrelationData = Encoding.UTF8.GetBytes(value) };
                    break;
                case (_, "message-expiry-interval"):
                    if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var messageExpiry))
                    {
                        error = "Invalid property value given in --property argument.";
                        return null;
                    }

                    result = result with { MessageExpiry = messageExpiry };
                    break;
                case (_, "payload-format-indicator"):
                    if (value is not ("0" or "1"))
                    {
                        error = "Invalid property value given in --property argument.";
                        return null;
                    }

                    result = result with { PayloadFormat = value == "1" ? (byte)1 : (byte)0 };
                    break;
            }
        }

        return result with { ConnectUserProperties = connectUsers, PublishUserProperties = publishUsers };
    }

    /// <summary>The message with the PUBLISH properties set.</summary>
    public MqttApplicationMessage ApplyTo(MqttApplicationMessage message) => message with
    {
        ContentType = ContentType ?? message.ContentType,
        ResponseTopic = ResponseTopic ?? message.ResponseTopic,
        CorrelationData = CorrelationData ?? message.CorrelationData,
        MessageExpiry = MessageExpiry is { } expiry ? TimeSpan.FromSeconds(expiry) : message.MessageExpiry,
        PayloadIsUtf8 = PayloadFormat is { } format ? format == 1 : message.PayloadIsUtf8,
        UserProperties = PublishUserProperties.Count > 0 ? PublishUserProperties : message.UserProperties,
    };

    // MQTT 5.0 §2.2.2.2, the names mosquitto's --property accepts.
    private static readonly HashSet<string> KnownNames = new(StringComparer.Ordinal)
    {
        "payload-format-indicator", "message-expiry-interval", "content-type", "response-topic", "correlation-data",
        "subscription-identifier", "session-expiry-interval", "assigned-client-identifier", "server-keep-alive",
        "authentication-method", "authentication-data", "request-problem-information", "will-delay-interval",
        "request-response-information", "response-information", "server-reference", "reason-string",
        "receive-maximum", "topic-alias-maximum", "topic-alias", "maximum-qos", "retain-available", "user-property",
        "maximum-packet-size", "wildcard-subscription-available", "subscription-identifier-available",
        "shared-subscription-available",
    };

    /// <summary>Whether the 5.0 packet can carry the property at all (MQTT 5.0 §2.2.2.2 table).</summary>
    private static bool IsValidFor(string command, string name) => command switch
    {
        "connect" => name is "session-expiry-interval" or "receive-maximum" or "maximum-packet-size" or "topic-alias-maximum"
            or "request-response-information" or "request-problem-information" or "user-property" or "authentication-method" or "authentication-data",
        "publish" => name is "payload-format-indicator" or "message-expiry-interval" or "topic-alias" or "response-topic"
            or "correlation-data" or "user-property" or "subscription-identifier" or "content-type",
        "subscribe" => name is "subscription-identifier" or "user-property",
        "unsubscribe" => name is "user-property",
        "disconnect" => name is "session-expiry-interval" or "reason-string" or "user-property" or "server-reference",
        "will" => name is "will-delay-interval" or "payload-format-indicator" or "message-expiry-interval" or "content-type"
            or "response-topic" or "correlation-data" or "user-property",
        _ => name is "reason-string" or "user-property",
    };
}
