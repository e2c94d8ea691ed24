using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>Hash-chain links checked on arrival: a break is kept (never lose evidence) but flagged, raised and reported.</summary>
public sealed class ChainLinkIntakeTests : IDisposable
{
    private readonly SignedChainFixture fixture = new();

    [Fact]
    public void Valid_signed_chain_is_stored_without_a_break_in_any_arrival_order()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        var breaks = new List<ChainBreak>();
        intake.ChainBroken += (_, broken) => breaks.Add(broken);
        var chain = fixture.Chain(5);

        foreach (var i in new[] { 0, 1, 3, 2, 4 })
        {
            Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, chain[i]).Status);
        }

        Assert.Empty(breaks);
        Assert.Empty(intake.Index.ChainBreaks("dev-1"));
        Assert.Equal(5, intake.Index.CountByDevice()["dev-1"]);
        Assert.Equal(EvidenceSignature.RecordHash(chain[2].Record.ToJson()), Assert.Single(intake.Index.At("dev-1", 3)).RecordHash);
    }

    [Fact]
    public void Record_whose_prevHash_is_not_its_stored_predecessors_hash_is_stored_and_flagged()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        var breaks = new List<ChainBreak>();
        intake.ChainBroken += (_, broken) => breaks.Add(broken);
        var chain = fixture.Chain(3);
        var relinked = EvidenceSignature.Sign(chain[2].Record with { PrevHash = new string('f', 64) }, fixture.Key); // validly signed, wrong link

        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, chain[0]).Status);
        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, chain[1]).Status);
        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, (relinked, chain[2].Image)).Status);

        var broken = Assert.Single(breaks);
        Assert.Equal(new ChainBreak("dev-1", 3, relinked.RecordId, broken.Detail), broken);
        Assert.Contains($"is not the hash {EvidenceSignature.RecordHash(chain[1].Record.ToJson())}", broken.Detail, StringComparison.Ordinal);
        Assert.Equal([broken], intake.Index.ChainBreaks("dev-1"));
        Assert.Equal(3, intake.Store.List().Count());
    }

    [Fact]
    public void Break_is_found_when_the_missing_predecessor_arrives_after_its_successor()
    {
        using var intake = fixture.NewIntake(withKeys: false);
        var breaks = new List<ChainBreak>();
        intake.ChainBroken += (_, broken) => breaks.Add(broken);
        var chain = fixture.Chain(3);
        var relinked = EvidenceSignature.Sign(chain[2].Record with { PrevHash = EvidenceSignature.GenesisHash }, fixture.Key);

        SignedChainFixture.Deliver(intake, chain[0]);
        SignedChainFixture.Deliver(intake, (relinked, chain[2].Image));
        Assert.Empty(breaks); // #2 not there yet: nothing to compare with
        SignedChainFixture.Deliver(intake, chain[1]);

        Assert.Equal([(3L, relinked.RecordId)], breaks.Select(b => (b.Sequence, b.RecordId)));
        Assert.Equal(relinked.RecordId, Assert.Single(intake.Index.ChainBreaks("dev-1")).RecordId);
    }

    [Fact]
    public void First_record_must_link_to_the_genesis_hash()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        var first = fixture.Chain(1)[0];
        var wrong = EvidenceSignature.Sign(first.Record with { PrevHash = new string('1', 64) }, fixture.Key);

        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, (wrong, first.Image)).Status);

        Assert.Equal(1, Assert.Single(intake.Index.ChainBreaks("dev-1")).Sequence);
    }

    [Fact]
    public void A_chain_break_stored_by_the_collector_shows_as_a_failed_record_in_the_report()
    {
        using (var intake = fixture.NewIntake(withKeys: true))
        {
            var chain = fixture.Chain(3);
            SignedChainFixture.Deliver(intake, chain[0]);
            SignedChainFixture.Deliver(intake, chain[1]);
            SignedChainFixture.Deliver(intake, (EvidenceSignature.Sign(chain[2].Record with { PrevHash = new string('f', 64) }, fixture.Key), chain[2].Image));
            Assert.Single(intake.Index.ChainBreaks("dev-1"));
        }

        using var output = new TempDirectory();
        using var keys = EnrolledKeys.Load(fixture.KeysDirectory);
        var job = Assert.Single(new ReportGenerator(TimeProvider.System).Generate(fixture.Root, output.Path, null, keys).Jobs);

        Assert.Equal(JobStatus.Failed, job.Status);
        var broken = job.Entries.Single(e => e.Record.Sequence == 3);
        Assert.Equal(VerificationStatus.Failed, broken.Check.Status);
        Assert.Contains(broken.Check.Problems, p => p.StartsWith(VerificationFailure.Checks.PrevHash, StringComparison.Ordinal));
        Assert.All(job.Entries.Where(e => e.Record.Sequence < 3), e => Assert.Equal(VerificationStatus.Verified, e.Check.Status));
    }

    public void Dispose() => fixture.Dispose();
}
