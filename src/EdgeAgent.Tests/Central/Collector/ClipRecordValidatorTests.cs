using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>What the collector accepts as a clip record, and what <c>verify</c> says of a clip that is not a whole MP4.</summary>
public sealed class ClipRecordValidatorTests
{
    private static readonly byte[] Bytes = [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p'];

    private static JsonNode Clip() => JsonNode.Parse(TestRecords.UnsignedClip(1, EvidenceSignature.GenesisHash, Bytes).ToJson())!;

    [Fact]
    public void A_clip_record_passes()
    {
        Assert.Null(RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(Clip().ToJsonString())));
    }

    [Fact]
    public void A_clip_record_whose_image_says_jpeg_is_refused()
    {
        var record = Clip();
        record["image"]!["contentType"] = "image/jpeg";

        Assert.Contains("'image.contentType' must be video/mp4", RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString())), StringComparison.Ordinal);
    }

    [Fact]
    public void A_clip_record_without_its_span_is_refused()
    {
        var record = Clip();
        record["clip"]!.AsObject().Remove("lastProducedAt");

        Assert.Contains("'clip.lastProducedAt' is required", RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_mp4_passes_and_a_cut_short_one_is_named()
    {
        var mp4 = await TestMp4.TenSecondsAsync();

        Assert.Null(Mp4Integrity.Problem(mp4));
        Assert.StartsWith("truncated", Mp4Integrity.Problem(mp4.AsSpan(0, mp4.Length - 1000)), StringComparison.Ordinal);
        Assert.StartsWith("not an MP4", Mp4Integrity.Problem(TestRecords.Image(1)), StringComparison.Ordinal);
    }
}
