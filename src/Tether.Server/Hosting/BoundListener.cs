using System.Net;

namespace Tether.Server;

/// <summary>A socket a started <see cref="TetherServer"/> listens on.</summary>
/// <param name="Listener">The configured listener.</param>
/// <param name="EndPoint">The bound address and port (the real port when the listener asked for port 0).</param>
public sealed record BoundListener(ListenerOptions Listener, IPEndPoint EndPoint);
