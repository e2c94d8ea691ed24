using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Central.Reporting;

public sealed class RecordVerificationTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void Problems_named_by_full_path_land_on_their_record()
    {
        var json = temp.Combine("site-a", "device-1", "WO-1", "00000002-locked-cam-1.json");
        var verification = RecordVerification.FromProblems(temp.Path, [$"{json}: image SHA-256 is 00, record says ff"]);

        var check = verification.ForRecord(json);
        Assert.Equal(VerificationStatus.Failed, check.Status);
        Assert.Equal(["image SHA-256 is 00, record says ff"], check.Problems);
        Assert.Equal(VerificationStatus.Verified, verification.ForRecord(temp.Combine("site-a", "device-1", "WO-1", "00000001-isolated-cam-1.json")).Status);
        Assert.Empty(verification.Unmatched);
    }

    [Fact]
    public void Chain_problems_named_by_relative_path_land_on_their_record_or_job()
    {
        var verification = RecordVerification.FromProblems(temp.Path,
        [
            "site-a/device-1/WO-1/00000003-zero-energy-verified-cam-1.json (device device-1, sequence 3): prev-hash: does not match record 2",
            "site-a/device-1/WO-1 (device device-1): completeness: step 'restored' has no photo",
            "elsewhere (device x): signature: no enrolled key",
        ]);

        var check = verification.ForRecord(temp.Combine("site-a", "device-1", "WO-1", "00000003-zero-energy-verified-cam-1.json"));
        Assert.Equal(["prev-hash: does not match record 2"], check.Problems);
        Assert.Equal(["completeness: step 'restored' has no photo"], verification.ForJob(temp.Combine("site-a", "device-1", "WO-1")));
        Assert.Equal([$"{temp.Combine("elsewhere")}: signature: no enrolled key"], verification.Unmatched);
    }

    public void Dispose() => temp.Dispose();
}
