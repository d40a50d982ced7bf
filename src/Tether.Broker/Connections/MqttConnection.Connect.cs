using Tether.Protocol;

namespace Tether.Broker;

/// <summary>CONNECT handling (§3.1 of both versions): checks, session lookup or takeover, CONNACK.</summary>
internal sealed partial class MqttConnection
{
    private PendingWill? _will;
    private ushort _clientReceiveMaximum = ushort.MaxValue;

    /// <summary>The user name the client connected with, if any.</summary>
    public string? UserName { get; private set; }

    /// <summary>The will of this connection, published if it ends without a normal DISCONNECT.</summary>
    public PendingWill? Will => _will;

    private void HandleConnect(ConnectPacket connect)
    {
        ProtocolVersion = connect.ProtocolVersion;
        _requestedClientId = connect.ClientId;
        var options = _broker.Options;
        var connAck = new ConnAckPacket();
        var clientId = connect.ClientId;
        var assignedClientId = false;

        if (clientId.Length == 0)
        {
            // 3.1 requires an id; 3.1.1 allows an empty one only with clean session [MQTT-3.1.3-7], [MQTT-3.1.3-8].
            var allowed = options.AllowZeroLengthClientId
                && connect.ProtocolVersion != ProtocolVersion.V310
                && (connect.CleanSession || connect.ProtocolVersion == ProtocolVersion.V500);
            if (!allowed)
            {
                RefuseConnect(connAck, ReasonCode.ClientIdentifierNotValid, "empty client id not allowed");
                return;
            }

            clientId = options.AutoIdPrefix + Guid.NewGuid().ToString("D");
            assignedClientId = true;
        }

        // clientid_prefixes: Mosquitto checks the id after assigning one, and answers "not authorised" (5 / 0x87).
        if (options.ClientIdPrefixes is { } prefix && !clientId.StartsWith(prefix, StringComparison.Ordinal))
        {
            RefuseConnect(connAck, ReasonCode.NotAuthorized, $"client id does not start with clientid_prefixes '{prefix}'");
            return;
        }

        if (connect.ProtocolVersion != ProtocolVersion.V500 && connect.KeepAliveSeconds > options.MaxKeepAliveSeconds)
        {
            // 3.1.1 cannot tell the client another keep alive; Mosquitto refuses with "identifier rejected".
            RefuseConnect(connAck, ReasonCode.ClientIdentifierNotValid, $"keep alive {connect.KeepAliveSeconds} s exceeds max_keepalive {options.MaxKeepAliveSeconds} s");
            return;
        }

        if (connect.Properties.AuthenticationMethod is { } method
            && !string.Equals(method.ToString(), options.EnhancedAuthenticationMethod, StringComparison.Ordinal))
        {
            RefuseConnect(connAck, ReasonCode.BadAuthenticationMethod, $"authentication method '{method}' is not supported");
            return;
        }

        var userName = connect.UserName;
        if (Info.UserNameFromCertificate)
        {
            // use_identity_as_username / use_subject_as_username: the certificate is the credential, as in Mosquitto,
            // which answers a connection without one with "bad user name or password".
            userName = Info.CertificateUserName;
            if (userName is null)
            {
                RefuseConnect(connAck, ReasonCode.BadUserNameOrPassword, "the client certificate gives no user name");
                return;
            }
        }
        else
        {
            if (!options.AllowAnonymous && userName is null)
            {
                RefuseConnect(connAck, ReasonCode.NotAuthorized, "anonymous clients are not allowed");
                return;
            }

            var authentication = _broker.Authenticator?.Authenticate(userName, connect.Password, clientId, Info) ?? ReasonCode.Success;
            if (authentication != ReasonCode.Success)
            {
                // The user name helps the operator; the password is never logged.
                RefuseConnect(connAck, authentication, userName is null ? "authentication failed" : $"authentication failed for user '{userName}'");
                return;
            }
        }

        if (connect.Will is { } will && !TryAcceptWill(will, connAck, clientId))
        {
            return;
        }

        KeepAliveSeconds = connect.KeepAliveSeconds;
        if (connect.ProtocolVersion == ProtocolVersion.V500)
        {
            ApplyClientLimits(connect);
            if (KeepAliveSeconds == 0 || KeepAliveSeconds > options.MaxKeepAliveSeconds)
            {
                if (options.MaxKeepAliveSeconds < ushort.MaxValue || KeepAliveSeconds > options.MaxKeepAliveSeconds)
                {
                    KeepAliveSeconds = options.MaxKeepAliveSeconds;
                    connAck.Properties.ServerKeepAlive = KeepAliveSeconds;
                }
            }

            FillConnAckProperties(connAck, assignedClientId ? clientId : null);
        }

        ClientId = clientId;
        UserName = userName;
        var expiry = SessionExpiryFor(connect);
        _state = ConnectionState.Connected;
        _reader.ProtocolVersion = connect.ProtocolVersion;

        // Logged before the session is attached, which queues CONNACK: the lines come in Mosquitto's order.
        if (options.ConnectionMessages)
        {
            BrokerLog.ClientConnected(
                _broker.Logger, Info.RemoteAddress, clientId, MosquittoProtocolNumber(connect.ProtocolVersion), connect.CleanSession ? 1 : 0, connect.KeepAliveSeconds,
                userName is null ? string.Empty : $", u'{userName}'");
        }

        if (DebugEnabled)
        {
            LogWill(connect.Will);
        }

        _broker.AttachSession(this, connect, expiry, connAck);
    }

    /// <summary>Called by the broker once the session is settled: CONNACK first, then anything the session resends.</summary>
    internal void CompleteConnect(Session session, ConnAckPacket connAck)
    {
        Session = session;
        session.UserName = UserName;
        var brokerLimit = _broker.Options.MaxInflightMessages > 0 ? _broker.Options.MaxInflightMessages : ushort.MaxValue;
        session.InflightLimit = Math.Min(brokerLimit, _clientReceiveMaximum);
        EnqueuePacket(connAck);
    }

    /// <summary>The "p" number of Mosquitto's connect line: its own protocol enumeration (3.1 = 1, 3.1.1 = 2, 5.0 = 5).</summary>
    private static int MosquittoProtocolNumber(ProtocolVersion version) => version switch
    {
        ProtocolVersion.V310 => 1,
        ProtocolVersion.V311 => 2,
        _ => 5,
    };

    private uint SessionExpiryFor(ConnectPacket connect)
    {
        if (connect.ProtocolVersion == ProtocolVersion.V500)
        {
            return connect.Properties.SessionExpiryInterval ?? 0;
        }

        if (connect.CleanSession)
        {
            return 0;
        }

        return _broker.Options.PersistentClientExpiration is { } expiration
            ? (uint)Math.Min(uint.MaxValue - 1, expiration.TotalSeconds)
            : uint.MaxValue;
    }

    private bool TryAcceptWill(WillMessage will, ConnAckPacket connAck, string clientId)
    {
        var options = _broker.Options;
        if ((byte)will.QoS > options.MaxQoS)
        {
            RefuseConnect(connAck, ReasonCode.QoSNotSupported, "will QoS above max_qos");
            return false;
        }

        if (will.Retain && !options.RetainAvailable)
        {
            RefuseConnect(connAck, ReasonCode.RetainNotSupported, "will retain while retain_available is false");
            return false;
        }

        var properties = will.Properties;
        var message = new ApplicationMessage(
            will.Topic.ToString(),
            will.Topic.Utf8,
            will.Payload,
            will.QoS,
            will.Retain,
            ForwardedProperties(properties),
            expiresAt: null,
            clientId);
        // A will expiry interval of 0 means "never", like a PUBLISH's (see ExpiresAt).
        var willExpiry = properties.MessageExpiryInterval is > 0 ? properties.MessageExpiryInterval : null;
        _will = new PendingWill(message, properties.WillDelayInterval ?? 0, willExpiry);
        return true;
    }

    private void ApplyClientLimits(ConnectPacket connect)
    {
        var properties = connect.Properties;
        if (properties.MaximumPacketSize is { } maximumPacketSize)
        {
            _clientMaximumPacketSize = maximumPacketSize;
        }

        _clientTopicAliasMaximum = properties.TopicAliasMaximum ?? 0;
        _clientReceiveMaximum = properties.ReceiveMaximum ?? ushort.MaxValue;
    }

    private void FillConnAckProperties(ConnAckPacket connAck, string? assignedClientId)
    {
        var options = _broker.Options;
        var properties = connAck.Properties;
        if (assignedClientId is not null)
        {
            properties.AssignedClientIdentifier = assignedClientId;
        }

        if (options.MaxInflightMessages is > 0 and < ushort.MaxValue)
        {
            properties.ReceiveMaximum = (ushort)options.MaxInflightMessages;
        }

        if (options.MaxTopicAlias > 0)
        {
            properties.TopicAliasMaximum = options.MaxTopicAlias;
        }

        if (options.MaxQoS < 2)
        {
            properties.MaximumQoS = options.MaxQoS;
        }

        if (!options.RetainAvailable)
        {
            properties.RetainAvailable = 0;
        }

        if (options.MaxPacketSize > 0)
        {
            properties.MaximumPacketSize = (uint)options.MaxPacketSize;
        }
    }

    private void RefuseConnect(ConnAckPacket connAck, ReasonCode code, string why)
    {
        connAck.ReasonCode = code;
        connAck.SessionPresent = false;
        connAck.Properties.Clear();
        EnqueuePacket(connAck);
        // The disconnect line written when the connection ends carries the refusal: one line per ending.
        RequestClose(DisconnectReason.ConnectRefused, null, $"0x{(byte)code:X2} {code}: {why}");
    }

    /// <summary>The 5.0 properties that travel with a message from publisher to subscribers, owned; null if none.</summary>
    internal static MqttProperties? ForwardedProperties(MqttProperties source)
    {
        if (source.PayloadFormatIndicator is null && source.ContentType is null && source.ResponseTopic is null
            && source.CorrelationData is null && source.UserProperties.Count == 0)
        {
            return null;
        }

        var forwarded = new MqttProperties
        {
            PayloadFormatIndicator = source.PayloadFormatIndicator,
            ContentType = source.ContentType?.ToOwned(),
            ResponseTopic = source.ResponseTopic?.ToOwned(),
            CorrelationData = source.CorrelationData is { } correlation ? correlation.ToArray() : (ReadOnlyMemory<byte>?)null,
        };
        foreach (var property in source.UserProperties)
        {
            forwarded.UserProperties.Add(property.ToOwned());
        }

        return forwarded;
    }
}
