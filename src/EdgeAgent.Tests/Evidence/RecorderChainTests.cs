using EdgeAgent.Tests.Outbox;

namespace EdgeAgent.Tests.Evidence;

/// <summary>
/// The recorder owns the chain's next link: it signs each record with it and hands the finished record to the outbox.
/// When the outbox refuses a record (another writer took the link), nothing is stored, and the recorder reads the link
/// again, so its next record continues the chain the outbox holds.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RecorderChainTests : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public async Task After_a_refused_append_the_recorder_reads_the_chain_again_and_its_next_record_continues_it()
    {
        await using var rig = await RecorderRig.StartAsync(dir.Path, AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1"));
        var outbox = rig.Outbox;
        var T = RecorderRig.Trigger;

        var first = await rig.Services.HandleTriggerAsync(T(TriggerKind.Manual, "button", "isolated"), default);
        Assert.NotEmpty(first.RecordIds);

        // A second writer takes the link the recorder holds: the recorder's next record is refused, nothing written.
        var image = EvidenceFixtures.Image(1000);
        var intruder = await EvidenceFixtures.AppendChainedAsync(outbox, (sequence, prev) => EvidenceFixtures.Record(sequence, image) with { PrevHash = prev }, image);
        var before = (await outbox.PeekAsync(100)).Count;
        await Assert.ThrowsAsync<ChainContinuityException>(() => rig.Services.HandleTriggerAsync(T(TriggerKind.LockOn, "lock-a"), default));
        Assert.Equal(before, (await outbox.PeekAsync(100)).Count);

        var third = await rig.Services.HandleTriggerAsync(T(TriggerKind.Manual, "button", "zero-energy-verified"), default);
        Assert.NotEmpty(third.RecordIds);

        // Ground truth from the stored bytes: gapless sequences, each prevHash the hash of the row before, signatures valid.
        var rows = await outbox.PeekAsync(100);
        Assert.Equal([.. first.RecordIds, intruder.RecordId, .. third.RecordIds], rows.Select(r => r.RecordId));
        Assert.Null(ChainRule.CheckLink(EvidenceRecord.FromJson(rows[0].Record), 0, EvidenceSignature.GenesisHash));
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.Null(ChainRule.CheckLink(EvidenceRecord.FromJson(rows[i].Record), rows[i - 1].Sequence, EvidenceSignature.RecordHash(rows[i - 1].Record)));
        }

        var key = rig.Services.GetRequiredService<DeviceKey>().Key;
        Assert.All(rows.Where(r => r.RecordId != intruder.RecordId), r => Assert.Null(EvidenceSignature.Check(r.Record, key)));
    }

    public void Dispose() => dir.Dispose();
}
