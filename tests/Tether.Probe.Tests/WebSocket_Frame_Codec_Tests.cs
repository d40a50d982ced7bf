using System.Buffers;

namespace Tether.Probe.Tests;

/// <summary>RFC 6455 §5.2 framing, checked against hand-written bytes (including the examples of §5.7).</summary>
public class WebSocket_Frame_Codec_Tests
{
    [Fact]
    public void Unmasked_text_frame_of_section_5_7_parses()
    {
        var buffer = new ReadOnlySequence<byte>([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        Assert.True(WebSocketFrameCodec.TryParse(ref buffer, out var frame, out var error));
        Assert.Null(error);
        Assert.True(buffer.IsEmpty);
        Assert.True(frame!.Fin);
        Assert.Equal(0, frame.ReservedBits);
        Assert.Equal(WebSocketOpcode.Text, frame.Opcode);
        Assert.False(frame.Masked);
        Assert.Equal("Hello"u8.ToArray(), frame.Payload);
    }

    [Fact]
    public void Masked_frame_of_section_5_7_is_unmasked_and_flagged()
    {
        var buffer = new ReadOnlySequence<byte>([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
        Assert.True(WebSocketFrameCodec.TryParse(ref buffer, out var frame, out _));
        Assert.True(frame!.Masked);
        Assert.Equal("Hello"u8.ToArray(), frame.Payload);
    }

    [Fact]
    public void Sixteen_bit_length_and_a_second_frame_in_the_same_buffer()
    {
        byte[] bytes = [0x82, 126, 0x01, 0x00, .. new byte[256], 0x8A, 0x00];
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(WebSocketFrameCodec.TryParse(ref buffer, out var first, out _));
        Assert.Equal(256, first!.Payload.Length);
        Assert.True(WebSocketFrameCodec.TryParse(ref buffer, out var second, out _));
        Assert.Equal(WebSocketOpcode.Pong, second!.Opcode);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[] { 0x89 })]
    [InlineData(new byte[] { 0x82, 126, 0x01 })]
    [InlineData(new byte[] { 0x82, 0x03, 0x01, 0x02 })]
    [InlineData(new byte[] { 0x82, 0x83, 0x01, 0x02, 0x03 })]
    public void Incomplete_frames_ask_for_more_and_leave_the_buffer(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.False(WebSocketFrameCodec.TryParse(ref buffer, out var frame, out var error));
        Assert.Null(frame);
        Assert.Null(error);
        Assert.Equal(bytes.Length, buffer.Length);
    }

    [Fact]
    public void A_64_bit_length_with_the_top_bit_set_is_an_error()
    {
        var buffer = new ReadOnlySequence<byte>([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]);
        Assert.False(WebSocketFrameCodec.TryParse(ref buffer, out _, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(70_000)]
    public void Encoded_client_frames_are_masked_and_parse_back(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var encoded = WebSocketFrameCodec.Encode(WebSocketOpcode.Binary, payload);
        Assert.Equal(0x82, encoded[0]);
        Assert.Equal(0x80, encoded[1] & 0x80);

        var buffer = new ReadOnlySequence<byte>(encoded);
        Assert.True(WebSocketFrameCodec.TryParse(ref buffer, out var frame, out _));
        Assert.True(frame!.Masked);
        Assert.Equal(payload, frame.Payload);
    }
}
