namespace Tether.Probe;

/// <summary>One WebSocket frame as it arrived, header bits included, payload unmasked.</summary>
/// <param name="Fin">The FIN bit: last frame of a message.</param>
/// <param name="ReservedBits">RSV1–RSV3 (bits 6–4 of the first byte); non-zero without a negotiated extension is an error.</param>
/// <param name="Opcode">The opcode, reserved values included.</param>
/// <param name="Masked">Whether the frame was masked; a server must not mask (RFC 6455 §5.1).</param>
/// <param name="Payload">The unmasked payload.</param>
internal sealed record WebSocketFrame(bool Fin, byte ReservedBits, WebSocketOpcode Opcode, bool Masked, byte[] Payload);
