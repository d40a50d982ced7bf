using System.Globalization;

namespace Tether.Probe;

/// <summary>
/// The "still waiting" line on stderr: on a terminal it is rewritten in place every second; otherwise (a log file, a
/// CI job) a plain line is written every 30 seconds so that the log does not fill with carriage returns.
/// </summary>
internal sealed class ProbeProgress(TextWriter error, bool interactive, ProbeEngine engine, TimeSpan duration, TimeProvider time)
{
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);
    private int _lastLength;

    /// <summary>Writes progress until <paramref name="cancellationToken"/> is cancelled, then clears the terminal line.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interactive ? TerminalInterval : LogInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Write();
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (interactive && _lastLength > 0)
        {
            await error.WriteAsync("\r" + new string(' ', _lastLength) + "\r").ConfigureAwait(false);
            await error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>"12.0 s / 600 s, 2 keepalive round trips" with the latest problem, if any.</summary>
    public static string Line(double elapsedSeconds, TimeSpan duration, int roundTrips, string? latestProblem)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{elapsedSeconds:0.0} s / {duration.TotalSeconds:0.#} s, {roundTrips} keepalive round trip{(roundTrips == 1 ? string.Empty : "s")}");
        return latestProblem is null ? line : line + "; " + latestProblem;
    }

    private void Write()
    {
        var line = Line(engine.ElapsedSeconds, duration, engine.PingsAnswered, engine.LatestProblem);
        if (interactive)
        {
            // Keep it on one terminal row so that \r can rewrite it.
            var width = TerminalWidth();
            if (line.Length > width)
            {
                line = line[..(width - 3)] + "...";
            }

            error.Write("\r" + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
        else
        {
            error.WriteLine("probe: " + line);
        }

        error.Flush();
    }

    private static int TerminalWidth()
    {
        try
        {
            return Math.Max(20, Console.WindowWidth - 1);
        }
        catch (IOException)
        {
            return 119;
        }
    }
}
