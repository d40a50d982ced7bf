using System.Globalization;

namespace Tether.Probe;

/// <summary>
/// Turns findings into an outcome and one headline. The headline is the finding that best explains a dropped
/// client: a frame the profile's client cannot survive comes first (it is what kills Paho Java before anything
/// else happens), then the connection being closed, then a missing PINGRESP, then any other protocol violation.
/// </summary>
internal static class ProbeVerdict
{
    public static (ProbeOutcome Outcome, string Verdict) Decide(ProbeOptions options, IReadOnlyList<ProbeFinding> findings, double heldSeconds, int pingsSent, int pingsAnswered, bool interrupted)
    {
        ProbeFindingKind[] order = [ProbeFindingKind.FatalFrame, ProbeFindingKind.Closed, ProbeFindingKind.PingResponseMissing, ProbeFindingKind.ProtocolViolation];
        foreach (var kind in order)
        {
            foreach (var finding in findings)
            {
                if (finding.Kind == kind)
                {
                    return (ProbeOutcome.Problem, finding.Message);
                }
            }
        }

        var roundTrips = pingsAnswered == 1 ? "1 keepalive round trip" : string.Create(CultureInfo.InvariantCulture, $"{pingsAnswered} keepalive round trips");
        if (interrupted)
        {
            return (ProbeOutcome.Problem, string.Create(CultureInfo.InvariantCulture, $"interrupted after {heldSeconds:0.0} s of {options.Duration.TotalSeconds:0.#} s: {roundTrips}, nothing wrong so far"));
        }

        var controlFrames = options.Target.UseWebSocket ? "no WebSocket control frames" : "no disconnect";
        var tolerated = findings.Where(f => f.Kind == ProbeFindingKind.ToleratedControlFrame).ToList();
        if (tolerated.Count > 0)
        {
            controlFrames = string.Create(CultureInfo.InvariantCulture, $"but the broker sent {tolerated.Count} WebSocket control frame{(tolerated.Count == 1 ? string.Empty : "s")} (the first at {tolerated[0].Seconds:0.0} s) that Paho Java ≤ 1.2.5 does not survive; check with --profile {ProbeProfileNames.StrictWebSocket}");
        }

        var held = string.Create(CultureInfo.InvariantCulture, $"connection held for {options.Duration.TotalSeconds:0.#} s, {roundTrips}, {controlFrames}");
        return (ProbeOutcome.Held, held);
    }
}
