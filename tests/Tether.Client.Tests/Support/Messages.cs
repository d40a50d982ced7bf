namespace Tether.Client.Tests.Support;

internal static class Messages
{
    /// <summary>The next <paramref name="count"/> messages from <paramref name="client"/>, bounded by the test timeout.</summary>
    public static async Task<List<MqttApplicationMessage>> TakeAsync(this MqttClient client, int count)
    {
        using var timeout = new CancellationTokenSource(TestBroker.Timeout);
        var result = new List<MqttApplicationMessage>();
        await foreach (var message in client.ReadMessagesAsync(timeout.Token))
        {
            result.Add(message);
            if (result.Count == count)
            {
                break;
            }
        }

        return result;
    }
}
