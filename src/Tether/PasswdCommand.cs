using System.CommandLine;
using System.Globalization;
using System.Text;
using Tether.Server.Security;

namespace Tether;

/// <summary>
/// <c>tether passwd</c>: mosquitto_passwd with the same flags and messages. Files it writes are read by Mosquitto 2.0
/// and files mosquitto_passwd writes are read by Tether (checked in interop/run.sh).
/// </summary>
internal static class PasswdCommand
{
    public static Command Create(TextWriter output, TextWriter error, TextReader input)
    {
        var create = new Option<bool>("-c") { Description = "Create a new password file. This will overwrite an existing file." };
        var delete = new Option<bool>("-D") { Description = "Delete the user rather than adding or updating its password." };
        var batch = new Option<bool>("-b") { Description = "Batch mode: take the password from the command line." };
        var update = new Option<bool>("-U") { Description = "Hash the plain-text passwords of a password file in place." };
        var iterations = new Option<int?>("-I") { Description = "PBKDF2 iterations for $7$ hashes (default 101, like mosquitto_passwd).", HelpName = "ITERATIONS" };
        var hashName = new Option<string?>("-H") { Description = "Hash algorithm: sha512-pbkdf2 ($7$, the default) or sha512 ($6$, Mosquitto 1.6's).", HelpName = "HASH" };
        var arguments = new Argument<string[]>("args")
        {
            Description = "passwordfile [username [password]]",
            Arity = new ArgumentArity(1, 3),
        };
        var command = new Command("passwd", "Manage Mosquitto password files, like mosquitto_passwd.\n"
            + "Usage: tether passwd [-H sha512 | -H sha512-pbkdf2] [-I iterations] [-c | -D] passwordfile username\n"
            + "       tether passwd [-H sha512 | -H sha512-pbkdf2] [-I iterations] [-c] -b passwordfile username password\n"
            + "       tether passwd -U passwordfile")
        {
            create, delete, batch, update, iterations, hashName, arguments,
        };
        command.SetAction(parseResult =>
        {
            try
            {
                return Run(
                    parseResult.GetValue(arguments) ?? [],
                    parseResult.GetValue(create),
                    parseResult.GetValue(delete),
                    parseResult.GetValue(batch),
                    parseResult.GetValue(update),
                    parseResult.GetValue(iterations),
                    parseResult.GetValue(hashName),
                    output,
                    error,
                    input);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine("Error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static int Run(string[] args, bool create, bool delete, bool batch, bool update, int? iterations, string? hashName, TextWriter output, TextWriter error, TextReader input)
    {
        var kind = hashName switch
        {
            null or "sha512-pbkdf2" => PasswordHashKind.Sha512Pbkdf2,
            "sha512" => PasswordHashKind.Sha512,
            _ => (PasswordHashKind?)null,
        };
        if (kind is null)
        {
            return Fail(error, $"Error: Unknown hash type '{hashName}'; use sha512 or sha512-pbkdf2.");
        }

        if (iterations is { } n && (n < 1 || n > PasswordHash.MaxIterations))
        {
            return Fail(error, string.Create(CultureInfo.InvariantCulture, $"Error: -I needs a number of iterations from 1 to {PasswordHash.MaxIterations}."));
        }

        var count = iterations ?? PasswordHash.DefaultIterations;
        if (create && delete)
        {
            return Fail(error, "Error: -c and -D cannot be used together.");
        }

        if (update)
        {
            return create || delete || batch || args.Length != 1
                ? Fail(error, "Error: -U takes just the password file: tether passwd -U passwordfile")
                : UpdateFile(args[0], kind.Value, count, error);
        }

        var expected = batch && !delete ? 3 : 2;
        if (args.Length != expected)
        {
            return Fail(error, batch
                ? "Error: -b needs the password file, the user name and the password: tether passwd -b passwordfile username password"
                : "Error: expected the password file and the user name: tether passwd [-c|-D] passwordfile username");
        }

        var (file, user) = (args[0], args[1]);
        if (user.Contains(':', StringComparison.Ordinal))
        {
            return Fail(error, "Error: Username must not contain the ':' character.");
        }

        if (!create && !File.Exists(file))
        {
            return Fail(error, $"Error: Unable to open password file {file}. No such file or directory.");
        }

        var lines = create ? [] : ReadLines(file);
        if (delete)
        {
            var removed = lines.RemoveAll(l => UserOf(l) == user);
            if (removed == 0)
            {
                error.WriteLine($"Warning: User {user} not found in password file.");
                return 1;
            }

            WriteLines(file, lines);
            return 0;
        }

        string password;
        if (batch)
        {
            password = args[2];
        }
        else
        {
            var first = Prompt("Password: ", output, input);
            var second = Prompt("Reenter password: ", output, input);
            if (first is null || second is null || first != second)
            {
                return Fail(error, "Error: Passwords do not match.");
            }

            password = first;
        }

        var entry = user + ":" + PasswordHash.Create(Encoding.UTF8.GetBytes(password), kind.Value, count);
        var index = lines.FindIndex(l => UserOf(l) == user);
        if (index >= 0)
        {
            lines[index] = entry;
        }
        else
        {
            lines.Add(entry);
        }

        WriteLines(file, lines);
        return 0;
    }

    /// <summary><c>-U</c>: every <c>user:password</c> line whose password is not a $6$/$7$ hash gets hashed.</summary>
    private static int UpdateFile(string file, PasswordHashKind kind, int iterations, TextWriter error)
    {
        if (!File.Exists(file))
        {
            return Fail(error, $"Error: Unable to open password file {file}. No such file or directory.");
        }

        var lines = ReadLines(file);
        for (var i = 0; i < lines.Count; i++)
        {
            var user = UserOf(lines[i]);
            if (user is null)
            {
                continue;
            }

            var password = lines[i][(user.Length + 1)..];
            if (!password.StartsWith("$6$", StringComparison.Ordinal) && !password.StartsWith("$7$", StringComparison.Ordinal))
            {
                lines[i] = user + ":" + PasswordHash.Create(Encoding.UTF8.GetBytes(password), kind, iterations);
            }
        }

        WriteLines(file, lines);
        return 0;
    }

    private static List<string> ReadLines(string file) =>
        [.. File.ReadAllText(file).Split('\n').Select(l => l.TrimEnd('\r'))];

    /// <summary>The user name of a <c>user:hash</c> line; null for comments, blank and malformed lines (kept as they are).</summary>
    private static string? UserOf(string line)
    {
        if (line.Length == 0 || line[0] == '#')
        {
            return null;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? line[..colon] : null;
    }

    private static void WriteLines(string file, List<string> lines)
    {
        // Write beside the file and move it over, so that a broker reloading on SIGHUP never sees half a file.
        var temporary = file + ".tmp";
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            if (line.Length > 0)
            {
                text.Append(line).Append('\n');
            }
        }

        File.WriteAllText(temporary, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        if (!OperatingSystem.IsWindows() && File.Exists(file))
        {
            // Keep the existing file's permissions (often 0600 or 0640) rather than the umask's.
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(file));
        }

        File.Move(temporary, file, overwrite: true);
    }

    private static string? Prompt(string prompt, TextWriter output, TextReader input)
    {
        output.Write(prompt);
        output.Flush();
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
        {
            var line = input.ReadLine();
            output.WriteLine();
            return line;
        }

        // A terminal: read without echo, like getpass(3).
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                output.WriteLine();
                return password.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return 1;
    }
}
