using System.Globalization;

namespace Tether.Server;

/// <summary>
/// <c>pid_file</c>: the process id, written at start-up and removed on a clean shutdown. Like Mosquitto, the file holds
/// the bare decimal id without a newline, a relative path is relative to the working directory, and a file that cannot
/// be written stops start-up.
/// </summary>
internal static class PidFile
{
    /// <summary>Writes the current process id to <paramref name="path"/>, replacing the file.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path)
    {
        try
        {
            File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Unable to write pid file {path}: {e.Message}", e);
        }
    }

    /// <summary>Removes the file; a file already gone is not an error, and nothing else is worth failing a shutdown for.</summary>
    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
