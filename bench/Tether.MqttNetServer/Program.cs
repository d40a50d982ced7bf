using System.Globalization;
using System.Runtime.InteropServices;
using MQTTnet.Server;

// MQTTnet's server with its default options on the port given as the only argument (default 1883), until SIGINT or
// SIGTERM. Used by bench/compare.sh to compare Tether with the broker a .NET team would otherwise embed.
var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1883;
var factory = new MqttServerFactory();
var options = factory.CreateServerOptionsBuilder()
    .WithDefaultEndpoint()
    .WithDefaultEndpointPort(port)
    .Build();
using var server = factory.CreateMqttServer(options);
var stopped = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});

await server.StartAsync();
Console.WriteLine($"MQTTnet server listening on port {port}");
await stopped.Task;
await server.StopAsync();
