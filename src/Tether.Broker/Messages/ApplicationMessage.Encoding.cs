using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// The message's cached PUBLISH encodings, one per <see cref="PublishEncodingFamily"/>, shared by every receiver of
/// that family. Built on first use by whichever writer gets there first; when two writers build at once, the first
/// to publish its encoding wins and the other gives its own back, so at most one is ever cached per family. A
/// pooled message gives its encodings back with its last reference, when no writer can be reading them.
/// </summary>
internal sealed partial class ApplicationMessage
{
    private EncodedPublish? _encodedV3;
    private EncodedPublish? _encodedV5;

    /// <summary>The shared encoding for <paramref name="family"/>; the caller holds a reference to the message while it reads it.</summary>
    public EncodedPublish GetEncoding(PublishEncodingFamily family)
    {
        ref var slot = ref family == PublishEncodingFamily.V5 ? ref _encodedV5 : ref _encodedV3;
        var cached = Volatile.Read(ref slot);
        if (cached is not null)
        {
            return cached;
        }

        var encodings = _pool?.Encodings;
        EncodedPublish built;
        if (encodings is null)
        {
            // Not pooled (a $SYS, restored or will message): the garbage collector reclaims it with the message.
            built = new EncodedPublish();
            built.Build(this, family);
        }
        else
        {
            built = encodings.Build(this, family);
        }

        var winner = Interlocked.CompareExchange(ref slot, built, null);
        if (winner is null)
        {
            return built;
        }

        encodings?.Discard(built);
        return winner;
    }

    /// <summary>Copies the properties forwarded to 5.0 receivers (§3.3.2.3) into <paramref name="target"/>.</summary>
    public void CopyForwardedPropertiesTo(MqttProperties target)
    {
        if (Properties is not { } source)
        {
            return;
        }

        target.PayloadFormatIndicator = source.PayloadFormatIndicator;
        target.ContentType = source.ContentType;
        target.ResponseTopic = source.ResponseTopic;
        target.CorrelationData = source.CorrelationData;
        target.UserProperties.AddRange(source.UserProperties);
    }

    /// <summary>Gives the cached encodings back; only with the last reference, when no writer reads them any more.</summary>
    private void ReturnEncodings(EncodedPublishPool encodings)
    {
        if (Interlocked.Exchange(ref _encodedV3, null) is { } v3)
        {
            encodings.Return(v3);
        }

        if (Interlocked.Exchange(ref _encodedV5, null) is { } v5)
        {
            encodings.Return(v5);
        }
    }
}
