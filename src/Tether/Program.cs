using System.CommandLine;
using Tether;

var root = BrokerCommand.Create(Console.Error);

// The generic host handles SIGINT/SIGTERM (graceful MQTT shutdown); System.CommandLine's own handler would kill
// the process after two seconds.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
var parseResult = root.Parse(args);
return Tether.Probe.ProbeCommand.UsageErrorExitCode(parseResult, Console.Error) ?? await parseResult.InvokeAsync(invocation);
