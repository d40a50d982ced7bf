namespace Tether.Server;

/// <summary>
/// Where retained messages and persistent sessions are kept. With persistence on they go to an SQLite file that
/// Tether writes as changes happen; with it off they live in memory only and no file is created.
/// </summary>
/// <param name="Enabled"><c>persistence true|false</c>; Mosquitto's default is false.</param>
/// <param name="Location"><c>persistence_location</c>: the directory of the file; null = the working directory.</param>
/// <param name="File">
/// <c>persistence_file</c>: the file name; null = <see cref="DefaultFileName"/>. Tether's default differs from
/// Mosquitto's <c>mosquitto.db</c> on purpose, so that moving a deployment over never touches Mosquitto's file.
/// </param>
public sealed record PersistenceSettings(bool Enabled, string? Location, string? File)
{
    /// <summary>The store's file name when <c>persistence_file</c> is not set.</summary>
    public const string DefaultFileName = "tether.db";

    /// <summary>Persistence off.</summary>
    public static PersistenceSettings Off { get; } = new(false, null, null);

    /// <summary>The store file: <see cref="Location"/> joined with <see cref="File"/> (or <see cref="DefaultFileName"/>).</summary>
    public string StorePath => Path.Combine(Location ?? string.Empty, File ?? DefaultFileName);
}
