namespace Tether.Server.Security;

/// <summary>
/// A Mosquitto password file: one <c>username:hash</c> per line, '#' comments and blank lines ignored. Every hash must
/// be a <c>$6$</c> or <c>$7$</c> hash (<see cref="PasswordHash"/>); anything else is an error naming the line, so
/// that a file Tether cannot verify never silently locks users out.
/// </summary>
public sealed class PasswordFile
{
    private readonly Dictionary<string, PasswordHash> _users;

    private PasswordFile(string path, Dictionary<string, PasswordHash> users)
    {
        Path = path;
        _users = users;
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>How many users the file has.</summary>
    public int Count => _users.Count;

    /// <summary>Reads and parses a password file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The users and their hashes.</returns>
    /// <exception cref="MosquittoConfigException">The file cannot be read or a line is invalid; the message names the line.</exception>
    public static PasswordFile Load(string path)
    {
        return Parse(ConfigFileText.Read(path, "Unable to open password file"), path);
    }

    /// <summary>Parses the text of a password file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="sourceName">The file's name, for error messages.</param>
    /// <returns>The users and their hashes.</returns>
    /// <exception cref="MosquittoConfigException">A line is invalid; the message names it.</exception>
    public static PasswordFile Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var users = new Dictionary<string, PasswordHash>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0 || line.TrimStart()[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new MosquittoConfigException($"Invalid line {number} in password file {sourceName}: expected 'username:hash'", sourceName, number, null);
            }

            var user = line[..colon];
            if (!PasswordHash.TryParse(line[(colon + 1)..], out var hash, out var error))
            {
                throw new MosquittoConfigException($"Invalid password for user '{user}' on line {number} of password file {sourceName}: {error}", sourceName, number, null);
            }

            // A repeated user name: the later line wins, as when mosquitto_passwd updates a user.
            users[user] = hash!;
        }

        return new PasswordFile(sourceName, users);
    }

    /// <summary>The hash of <paramref name="userName"/>, if the file has that user.</summary>
    /// <param name="userName">The user name.</param>
    /// <param name="hash">The hash.</param>
    /// <returns>Whether the user exists.</returns>
    public bool TryGetHash(string userName, out PasswordHash? hash) => _users.TryGetValue(userName, out hash);
}
