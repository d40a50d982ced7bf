using System.Runtime.InteropServices;

namespace Tether.Bench;

/// <summary>The process's limit on open files (RLIMIT_NOFILE): each connection of the conn scenario uses one.</summary>
internal static partial class FileLimit
{
    // RLIMIT_NOFILE on Linux.
    private const int ResourceOpenFiles = 7;

    /// <summary>Raises the soft limit to the hard limit (Linux); false where the limit cannot be read.</summary>
    public static bool TryRaiseToHardLimit(out long soft)
    {
        soft = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var limit = default(ResourceLimit);
        if (GetResourceLimit(ResourceOpenFiles, ref limit) != 0)
        {
            return false;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetResourceLimit(ResourceOpenFiles, ref raised) == 0)
            {
                limit = raised;
            }
        }

        soft = (long)Math.Min(limit.Current, long.MaxValue);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetResourceLimit(int resource, ref ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetResourceLimit(int resource, ref ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Current, ulong Maximum);
}
