namespace Tether.Server;

/// <summary>Reads a configuration-style file (mosquitto.conf, password file, ACL file) with an error that says which file.</summary>
internal static class ConfigFileText
{
    /// <summary>The whole text of <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="failure">The start of the error message, e.g. "Unable to open password file".</param>
    /// <exception cref="MosquittoConfigException">The file cannot be read.</exception>
    public static string Read(string path, string failure)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MosquittoConfigException($"{failure} {path}: {e.Message}", e);
        }
    }
}
