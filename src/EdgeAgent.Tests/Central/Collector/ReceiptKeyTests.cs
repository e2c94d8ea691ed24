namespace EdgeAgent.Tests.Central.Collector;

/// <summary><c>edgeagent collect --receipt-key FILE</c>: made 0600 when absent, kept across restarts, its public half printed for enrolment.</summary>
public sealed class ReceiptKeyTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Collect_creates_its_receipt_key_0600_prints_the_public_key_and_keeps_it_across_restarts()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var keyFile = temp.Combine("keys/receipt-key.pem");
        string firstLog;
        await using (var first = await CollectorProcess.StartAsync("--broker", broker.Url, "--output", temp.Combine("store"), "--receipt-key", keyFile))
        {
            firstLog = first.Log;
        }

        await using var second = await CollectorProcess.StartAsync("--broker", broker.Url, "--output", temp.Combine("store"), "--receipt-key", keyFile);
        using var key = DeviceKey.LoadOrCreateFile(keyFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(keyFile));
        Assert.Contains($"key id {key.KeyId}; enrol", firstLog, StringComparison.Ordinal);
        Assert.Contains("(new)", firstLog, StringComparison.Ordinal);
        Assert.Contains(key.PublicKeyPem.Split('\n')[1], firstLog, StringComparison.Ordinal); // the PEM body, for Broker:CollectorKeys
        Assert.Contains($"key id {key.KeyId}; enrol", second.Log, StringComparison.Ordinal); // same key, not a new one
        Assert.DoesNotContain("(new)", second.Log, StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
