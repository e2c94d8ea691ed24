using System.Globalization;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Signed, chained records of device <c>dev-1</c> as its agent would send them, the device key enrolled in a
/// keys directory, and an <see cref="EvidenceIntake"/> to deliver them to (with or without those keys).
/// </summary>
internal sealed class SignedChainFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public SignedChainFixture()
    {
        Directory.CreateDirectory(KeysDirectory);
        File.WriteAllText(Path.Combine(KeysDirectory, "dev-1.pem"), Key.ExportSubjectPublicKeyInfoPem());
    }

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string KeysDirectory => temp.Combine("keys");

    public string Root => temp.Combine("collector");

    public string Combine(string name) => temp.Combine(name);

    public EvidenceIntake NewIntake(bool withKeys) =>
        EvidenceIntake.Open(new CollectorOptions { Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" }, OutputDirectory = Root, KeysDirectory = withKeys ? KeysDirectory : null }, NullLogger.Instance);

    /// <summary>Records 1..count, each signed with <paramref name="key"/> (default: the enrolled key) and chained to the one before.</summary>
    public List<(EvidenceRecord Record, byte[] Image)> Chain(int count, ECDsa? key = null, string deviceId = "dev-1")
    {
        var chain = new List<(EvidenceRecord, byte[])>();
        var prevHash = EvidenceSignature.GenesisHash;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var image = TestRecords.Image(sequence);
            var record = EvidenceSignature.Sign(TestRecords.Unsigned(sequence, prevHash, image, deviceId: deviceId), key ?? Key);
            prevHash = EvidenceSignature.RecordHash(record.ToJson());
            chain.Add((record, image));
        }

        return chain;
    }

    /// <summary>Sends the image as one chunk, then the record, as the uplink does.</summary>
    public static Receipt Deliver(EvidenceIntake intake, (EvidenceRecord Record, byte[] Image) item)
    {
        var (record, image) = item;
        Assert.Null(intake.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", 1.ToString(CultureInfo.InvariantCulture), image));
        return intake.AcceptRecord(record.DeviceId, record.ToJson())!;
    }

    public void Dispose()
    {
        Key.Dispose();
        temp.Dispose();
    }
}
