using System.Buffers;
using Tether.Protocol;

namespace Tether.Broker.Tests.Messages;

/// <summary>
/// A message's shared encodings follow its ownership (see ApplicationMessage): built at most once per family while
/// the message is held, given back with its last reference, and never seen by the next message the pooled object carries.
/// </summary>
public sealed class Shared_Encoding_Ownership_Tests
{
    [Fact]
    public void An_encoding_is_built_once_per_family_and_returned_with_the_last_reference()
    {
        var pool = new MessagePool();
        var message = Shared_Encoding_Bytes_Tests.Rent(pool, "t", "x", null, null);
        message.AddRef();

        var v3 = message.GetEncoding(PublishEncodingFamily.V3);
        Assert.Same(v3, message.GetEncoding(PublishEncodingFamily.V3));
        var v5 = message.GetEncoding(PublishEncodingFamily.V5);
        Assert.NotSame(v3, v5);
        Assert.Equal(2, pool.Encodings.Built);

        message.Release();
        Assert.Equal(2, pool.Encodings.Outstanding); // a holder is left: the encodings stay

        message.Release();
        Assert.Equal(0, pool.Encodings.Outstanding);
        Assert.Equal(2, pool.Encodings.Returned);
        Assert.False(v3.IsBuilt);
        Assert.False(v5.IsBuilt);
    }

    [Fact]
    public void A_reused_message_object_encodes_its_new_message_not_the_previous_one()
    {
        var pool = new MessagePool();
        var first = Shared_Encoding_Bytes_Tests.Rent(pool, "first/topic", "1", null, null);
        var firstBytes = first.GetEncoding(PublishEncodingFamily.V3).Bytes.ToArray();
        first.Release();

        var second = Shared_Encoding_Bytes_Tests.Rent(pool, "second", "2", null, null);
        Assert.Same(first, second); // the pool handed the same object out again
        var secondBytes = second.GetEncoding(PublishEncodingFamily.V3).Bytes.ToArray();

        Assert.NotEqual(firstBytes, secondBytes);
        Assert.Equal([0, 6, .."second"u8], secondBytes);
        Assert.Equal(2, pool.Encodings.Built);
        second.Release();
        Assert.Equal(0, pool.Encodings.Outstanding);
    }

#if DEBUG
    [Fact]
    public void Writing_an_encoding_after_its_message_was_released_fails_in_debug_builds()
    {
        var pool = new MessagePool();
        var message = Shared_Encoding_Bytes_Tests.Rent(pool, "t", "x", null, null);
        var encoded = message.GetEncoding(PublishEncodingFamily.V3);
        message.Release();

        Assert.Throws<InvalidOperationException>(() =>
            encoded.WriteTo(new ArrayBufferWriter<byte>(), QualityOfService.AtMostOnce, false, false, 0, 0, default));
    }
#endif

    [Fact]
    public void Concurrent_writers_of_one_message_share_one_encoding_and_the_losers_give_theirs_back()
    {
        const int Messages = 200;
        var pool = new MessagePool();
        var seen = new EncodedPublish[2];
        for (var i = 0; i < Messages; i++)
        {
            var message = Shared_Encoding_Bytes_Tests.Rent(pool, "race/" + i, "x", Shared_Encoding_Bytes_Tests.EveryForwardedProperty(), null);
            using var start = new Barrier(2);
            var builders = new Thread[2];
            for (var b = 0; b < builders.Length; b++)
            {
                var slot = b;
                builders[b] = new Thread(() =>
                {
                    start.SignalAndWait();
                    seen[slot] = message.GetEncoding(PublishEncodingFamily.V5);
                });
                builders[b].Start();
            }

            foreach (var builder in builders)
            {
                Assert.True(builder.Join(TimeSpan.FromSeconds(10)));
            }

            Assert.Same(seen[0], seen[1]);
            Assert.Equal(1, pool.Encodings.Outstanding);
            message.Release();
            Assert.Equal(0, pool.Encodings.Outstanding);
        }

        // Every build beyond one per message lost the race and was returned at once.
        Assert.Equal(Messages + pool.Encodings.Discarded, pool.Encodings.Built);
    }

    [Fact]
    public void An_encoding_with_a_large_topic_gives_its_rented_buffer_back_and_the_pool_reuses_the_object()
    {
        var pool = new MessagePool();
        var large = Shared_Encoding_Bytes_Tests.Rent(pool, new string('t', EncodedPublish.KeptBufferLimit + 1), "x", null, null);
        var encoded = large.GetEncoding(PublishEncodingFamily.V3);
        large.Release();

        var small = Shared_Encoding_Bytes_Tests.Rent(pool, "s", "x", null, null);
        Assert.Same(encoded, small.GetEncoding(PublishEncodingFamily.V3));
        Assert.Equal([0, 1, (byte)'s'], encoded.Bytes.ToArray());
        small.Release();
    }
}
