using System.CommandLine;
using System.CommandLine.Invocation;
using Tether.Server;

namespace Tether;

/// <summary>
/// The root command: runs the broker, with Mosquitto's flags (<c>-c</c>, <c>-p</c>, <c>-v</c>) so that a
/// <c>mosquitto</c> command line works with <c>tether</c> in its place.
/// </summary>
internal static class BrokerCommand
{
    public static RootCommand Create(TextWriter error)
    {
        var configFile = new Option<FileInfo?>("--config-file", "-c")
        {
            Description = "Load configuration from a mosquitto.conf file. Without it, listen on port 1883 on loopback only.",
            HelpName = "FILE",
        };
        var port = new Option<int?>("--port", "-p")
        {
            Description = "Listen on this port (the default listener's port; loopback only unless the file configures the default listener).",
            HelpName = "PORT",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 65535)
            {
                result.AddError("--port must be a port number from 1 to 65535.");
            }
        });
        var verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "Log everything (log_type all), overriding the file's logging options.",
        };
        var daemon = new Option<bool>("--daemon", "-d")
        {
            Description = "Not supported: run tether under systemd (or another service manager) instead.",
        };

        var testConfig = new Option<bool>("--test-config")
        {
            Description = "Check the configuration file (and its password and ACL files), print \"configuration OK\" and exit 0, or the error and exit 1.",
        };

        var root = new RootCommand("tether: an MQTT broker, a drop-in replacement for Mosquitto that reads mosquitto.conf.")
        {
            configFile,
            port,
            verbose,
            daemon,
            testConfig,
        };
        root.Subcommands.Add(PasswdCommand.Create(Console.Out, error, Console.In));
        root.Subcommands.Add(Probe.ProbeCommand.Create(Console.Out, error));
        root.Subcommands.Add(Bench.BenchCommand.Create(Console.Out, error));
        root.Subcommands.Add(PubCommand.Create(Console.Out, error, Console.OpenStandardInput()));
        root.Subcommands.Add(SubCommand.Create(Console.OpenStandardOutput(), error));
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new PrintVersionAction();
            }
        }

        root.SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(daemon))
            {
                await error.WriteLineAsync("Error: daemon mode is not supported; use systemd.").ConfigureAwait(false);
                return 1;
            }

            if (parseResult.GetValue(testConfig))
            {
                return await TestConfigAsync(parseResult.GetValue(configFile), parseResult.InvocationConfiguration.Output, error).ConfigureAwait(false);
            }

            return await RunBrokerAsync(parseResult.GetValue(configFile), parseResult.GetValue(port), parseResult.GetValue(verbose), error, cancellationToken).ConfigureAwait(false);
        });
        return root;
    }

    private static async Task<int> RunBrokerAsync(FileInfo? configFile, int? port, bool verbose, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = configFile is null ? TetherConfiguration.Default : MosquittoConfigParser.ParseFile(configFile.FullName);
            if (port is { } p)
            {
                configuration = configuration.WithDefaultListenerPort(p);
            }

            if (verbose)
            {
                configuration = configuration with { Logging = configuration.Logging with { Types = MosquittoLogTypes.All } };
            }

            var server = new TetherServer(configuration);
            await using (server.ConfigureAwait(false))
            {
                // SIGINT and SIGTERM reach the host's console lifetime, which stops the server gracefully.
                await server.RunAsync(cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception e) when (e is MosquittoConfigException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            // Operator errors: the message says what to do; a stack trace would only hide it.
            await error.WriteLineAsync("Error: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> TestConfigAsync(FileInfo? configFile, TextWriter output, TextWriter error)
    {
        try
        {
            var configuration = configFile is null ? TetherConfiguration.Default : MosquittoConfigParser.ParseFile(configFile.FullName);
            _ = new Server.Security.FileSecurity(configuration.PasswordFile, configuration.AclFile);
            foreach (var warning in configuration.Warnings)
            {
                await error.WriteLineAsync("Warning: " + warning).ConfigureAwait(false);
            }

            await output.WriteLineAsync("configuration OK").ConfigureAwait(false);
            return 0;
        }
        catch (MosquittoConfigException e)
        {
            await error.WriteLineAsync("Error: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Prints <c>tether VERSION</c> instead of System.CommandLine's bare informational version.</summary>
    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine("tether " + TetherVersion.Current);
            return 0;
        }
    }
}
