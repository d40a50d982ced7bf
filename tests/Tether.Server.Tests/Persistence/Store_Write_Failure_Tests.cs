using Microsoft.Data.Sqlite;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tether.Server.Tests.Hosting;
using Tether.Server.Tests.Logging;

namespace Tether.Server.Tests.Persistence;

/// <summary>A store that can no longer be written (disk full, I/O error): the server says so once and stops, and acknowledges nothing it could not commit.</summary>
public sealed class Store_Write_Failure_Tests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tether-write-failure-" + Guid.NewGuid().ToString("N"));

    public Store_Write_Failure_Tests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_failed_write_is_logged_once_with_what_to_do_nothing_is_acknowledged_and_the_server_stops()
    {
        var recorder = new LogRecorder();
        await using var server = await recorder.StartAsync(TestServers.Loopback() with { Persistence = new PersistenceSettings(true, _directory, null) });
        var stopping = server.WaitForShutdownSignalAsync(CancellationToken.None);

        // From now on every retained write fails inside the writer's transaction, as a full disk would make it fail.
        FailRetainedWrites(Path.Combine(_directory, PersistenceSettings.DefaultFileName));

        using var publisher = new MqttClientFactory().CreateMqttClient();
        var endPoint = server.EndPoint();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311).WithClientId("failing-publisher").Build()).WaitAsync(TestServers.Timeout);
        var publish = publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("plant/1/state").WithPayload("running").WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await recorder.WaitForLineAsync("Writing the persistence store");
        await stopping.WaitAsync(TestServers.Timeout);

        var line = Assert.Single(recorder.Lines, l => l.StartsWith("Writing the persistence store", StringComparison.Ordinal));
        Assert.Contains(PersistenceSettings.DefaultFileName, line, StringComparison.Ordinal);
        Assert.Contains("disk full (test)", line, StringComparison.Ordinal);
        Assert.Contains("Free disk space", line, StringComparison.Ordinal);

        // The PUBACK waited for a commit that never came.
        Assert.False(publish.IsCompletedSuccessfully && (await publish).IsSuccess);
        await server.StopAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);
    }

    private static void FailRetainedWrites(string storePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TRIGGER fail_writes BEFORE INSERT ON retained BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END;";
        command.ExecuteNonQuery();
    }
}
