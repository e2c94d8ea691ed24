using EdgeAgent.Tests.Outbox;

namespace EdgeAgent.Tests.Central.Verification;

/// <summary>
/// A collector store holding one device's job, chained by the real outbox and signed with a device key, as
/// the agent and collector would leave it; plus the enrolled key. Tests then tamper with it.
/// </summary>
internal sealed class SignedEvidenceStore : IDisposable
{
    public static readonly (string Step, int Index)[] ConveyorJob =
        [("isolated", 0), ("locked", 1), ("zero-energy-verified", 2), ("area-cleared", 3), ("lock-removed", 4), ("restored", 5)];

    private readonly TempDirectory dir = new();
    private readonly Dictionary<long, string> files = [];

    private SignedEvidenceStore()
    {
    }

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string Root => dir.Combine("collector");

    public string KeysDirectory => dir.Combine("keys");

    public static string Procedures => Path.Combine(AppContext.BaseDirectory, "procedures");

    /// <summary>Stores a job through the real outbox (sequence and chain) and <see cref="EvidenceStore"/> (layout).</summary>
    public static async Task<SignedEvidenceStore> CreateAsync((string Step, int Index)[]? steps = null, string finalStatus = "completed", long? clockSkewAt = null, Func<EvidenceRecord, EvidenceRecord>? bend = null)
    {
        steps ??= ConveyorJob;
        var store = new SignedEvidenceStore();
        using var outbox = EvidenceOutbox.Open(store.dir.Combine("outbox.db"));
        for (var i = 0; i < steps.Length; i++)
        {
            var (step, index) = steps[i];
            var status = i == steps.Length - 1 ? finalStatus : "open";
            var image = TestRecords.Image(i + 1);
            await EvidenceFixtures.AppendChainedAsync(
                outbox,
                (sequence, prev) =>
                {
                    var record = TestRecords.Unsigned(sequence, prev, image, step, index, status: status);
                    record = sequence >= clockSkewAt ? record with { CreatedAt = record.CreatedAt.AddMinutes(5) } : record;
                    record = bend?.Invoke(record) ?? record;
                    return EvidenceSignature.Sign(record, store.Key);
                },
                image);
        }

        var evidence = new EvidenceStore(store.Root);
        foreach (var item in await outbox.PeekAsync(100))
        {
            var record = EvidenceRecord.FromJson(item.Record);
            Assert.NotEmpty(evidence.Store(record, item.Record, item.Image));
            store.files[item.Sequence] = Directory.EnumerateFiles(store.Root, $"{item.Sequence:D8}-*.json", SearchOption.AllDirectories).Single();
        }

        Directory.CreateDirectory(store.KeysDirectory);
        File.WriteAllText(Path.Combine(store.KeysDirectory, "dev-1.pem"), store.Key.ExportSubjectPublicKeyInfoPem());
        return store;
    }

    /// <summary>The record file of <paramref name="sequence"/>.</summary>
    public string Record(long sequence) => files[sequence];

    public string Image(long sequence) => Path.ChangeExtension(files[sequence], ".jpg");

    /// <summary>The record file's name relative to the store root, as verify reports it.</summary>
    public string Relative(long sequence) => Path.GetRelativePath(Root, files[sequence]);

    public void Dispose()
    {
        Key.Dispose();
        dir.Dispose();
    }
}
