using System.Globalization;
using System.Security.Cryptography;

namespace Tether.Server.Security;

// The two hash formats of Mosquitto 2.0's password files, as mosquitto_passwd writes them (after "username:"):
//   $6$<base64 salt>$<base64 hash>               hash = SHA-512(password bytes ‖ salt bytes)   (Mosquitto ≤ 1.6 default)
//   $7$<iterations>$<base64 salt>$<base64 hash>  hash = PBKDF2-HMAC-SHA512(password, salt, iterations, 64 bytes)
// The salt is used as decoded bytes (12 random bytes from mosquitto_passwd), the password as the raw bytes the client
// sent in CONNECT. Verification compares in constant time.

/// <summary>The kind of hash in a password file line.</summary>
public enum PasswordHashKind
{
    /// <summary><c>$6$</c>: salted SHA-512.</summary>
    Sha512 = 6,

    /// <summary><c>$7$</c>: PBKDF2 with HMAC-SHA512.</summary>
    Sha512Pbkdf2 = 7,
}

/// <summary>One password hash of a Mosquitto password file.</summary>
public sealed class PasswordHash
{
    /// <summary>mosquitto_passwd's default PBKDF2 iteration count (<c>PW_DEFAULT_ITERATIONS</c>).</summary>
    public const int DefaultIterations = 101;

    /// <summary>mosquitto_passwd's salt length in bytes (<c>SALT_LEN</c>).</summary>
    public const int SaltLength = 12;

    /// <summary>SHA-512's output length; also the PBKDF2 output length mosquitto_passwd uses.</summary>
    public const int HashLength = 64;

    /// <summary>The most PBKDF2 iterations accepted, so that a hostile file cannot make each CONNECT cost seconds.</summary>
    public const int MaxIterations = 10_000_000;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(PasswordHashKind kind, int iterations, byte[] salt, byte[] hash)
    {
        Kind = kind;
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    /// <summary>The hash format.</summary>
    public PasswordHashKind Kind { get; }

    /// <summary>PBKDF2 iterations; 0 for <see cref="PasswordHashKind.Sha512"/>.</summary>
    public int Iterations { get; }

    /// <summary>Parses the part of a line after <c>username:</c>.</summary>
    /// <param name="text">E.g. <c>$7$101$salt$hash</c>.</param>
    /// <param name="hash">The hash.</param>
    /// <param name="error">Why it cannot be used, when it cannot.</param>
    /// <returns>Whether <paramref name="text"/> is a hash Tether can verify.</returns>
    public static bool TryParse(string text, out PasswordHash? hash, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        hash = null;
        var parts = text.Split('$');

        // "$6$salt$hash" splits into "", "6", salt, hash; "$7$n$salt$hash" into "", "7", n, salt, hash.
        if (parts.Length < 2 || parts[0].Length != 0)
        {
            error = "the password is not hashed (Mosquitto 2.0 needs $6$ or $7$ hashes; hash the file with 'tether passwd -U FILE')";
            return false;
        }

        int iterations;
        string saltText, hashText;
        PasswordHashKind kind;
        switch (parts[1])
        {
            case "6" when parts.Length == 4:
                kind = PasswordHashKind.Sha512;
                iterations = 0;
                (saltText, hashText) = (parts[2], parts[3]);
                break;
            case "7" when parts.Length == 5:
                kind = PasswordHashKind.Sha512Pbkdf2;
                if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1 || iterations > MaxIterations)
                {
                    error = $"invalid iteration count '{parts[2]}' in a $7$ hash";
                    return false;
                }

                (saltText, hashText) = (parts[3], parts[4]);
                break;
            case "6" or "7":
                error = $"malformed ${parts[1]}$ hash";
                return false;
            default:
                error = $"unknown hash type '${parts[1]}$' (Tether verifies $6$ and $7$ hashes, as Mosquitto 2.0 does)";
                return false;
        }

        var salt = DecodeBase64(saltText);
        var digest = DecodeBase64(hashText);
        if (salt is null || salt.Length == 0 || digest is null || digest.Length != HashLength)
        {
            error = $"malformed ${parts[1]}$ hash (salt and hash must be base64, the hash {HashLength} bytes)";
            return false;
        }

        hash = new PasswordHash(kind, iterations, salt, digest);
        error = null;
        return true;
    }

    /// <summary>Hashes a password with a new random salt, as <c>mosquitto_passwd</c> does.</summary>
    /// <param name="password">The password's bytes (UTF-8 for a typed password).</param>
    /// <param name="kind">The format; $7$ is mosquitto_passwd's default.</param>
    /// <param name="iterations">PBKDF2 iterations for $7$.</param>
    /// <returns>The hash.</returns>
    public static PasswordHash Create(ReadOnlySpan<byte> password, PasswordHashKind kind = PasswordHashKind.Sha512Pbkdf2, int iterations = DefaultIterations)
    {
        if (kind == PasswordHashKind.Sha512Pbkdf2)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        }
        else
        {
            iterations = 0;
        }

        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = new byte[HashLength];
        Compute(kind, iterations, salt, password, hash);
        return new PasswordHash(kind, iterations, salt, hash);
    }

    /// <summary>Whether <paramref name="password"/> matches, compared in constant time.</summary>
    /// <param name="password">The password's bytes as the client sent them.</param>
    /// <returns>Whether it matches.</returns>
    public bool Verify(ReadOnlySpan<byte> password)
    {
        Span<byte> computed = stackalloc byte[HashLength];
        Compute(Kind, Iterations, _salt, password, computed);
        return CryptographicOperations.FixedTimeEquals(computed, _hash);
    }

    /// <summary>The text after <c>username:</c> in the file.</summary>
    /// <returns>E.g. <c>$7$101$salt$hash</c>.</returns>
    public override string ToString() => Kind == PasswordHashKind.Sha512
        ? $"$6${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}"
        : string.Create(CultureInfo.InvariantCulture, $"$7${Iterations}${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}");

    private static void Compute(PasswordHashKind kind, int iterations, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> password, Span<byte> destination)
    {
        if (kind == PasswordHashKind.Sha512Pbkdf2)
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, destination, iterations, HashAlgorithmName.SHA512);
            return;
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        sha.AppendData(password);
        sha.AppendData(salt);
        sha.GetHashAndReset(destination);
    }

    private static byte[]? DecodeBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
