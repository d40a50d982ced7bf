using System.IO.Pipelines;

namespace Tether.Broker.Tests.Support;

/// <summary>Two pipes crossed over: what the client writes the broker reads, and back.</summary>
internal sealed class InMemoryTransport
{
    public InMemoryTransport()
    {
        var toBroker = new Pipe();
        var toClient = new Pipe();
        BrokerSide = new DuplexPipe(toBroker.Reader, toClient.Writer);
        ClientSide = new DuplexPipe(toClient.Reader, toBroker.Writer);
    }

    public IDuplexPipe BrokerSide { get; }

    public IDuplexPipe ClientSide { get; }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
