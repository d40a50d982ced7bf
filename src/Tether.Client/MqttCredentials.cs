namespace Tether.Client;

/// <summary>User name and optional password sent in CONNECT.</summary>
/// <param name="UserName">The user name.</param>
/// <param name="Password">The password (UTF-8 encoded on the wire), or <see langword="null"/> for none.</param>
public sealed record MqttCredentials(string UserName, string? Password);
