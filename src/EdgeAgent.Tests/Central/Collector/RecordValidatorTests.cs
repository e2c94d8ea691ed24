using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Central.Collector;

public sealed class RecordValidatorTests
{
    private static JsonObject Record() =>
        JsonNode.Parse(EvidenceSignature.Sign(TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, TestRecords.Image(1)), System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)).ToJson())!.AsObject();

    private static string? Problem(JsonObject record) => RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString()));

    [Fact]
    public void A_signed_v1_record_as_the_agent_writes_it_is_valid() => Assert.Null(Problem(Record()));

    [Fact]
    public void A_v2_record_with_the_new_frame_timing_and_trigger_holder_is_valid()
    {
        var record = Record();
        record["schema"] = "edgeagent.evidence/2";
        var frame = record["frame"]!.AsObject();
        frame.Remove("ageMs");
        frame["producedAt"] = "2026-11-25T08:00:01.040Z";
        frame["producedBasis"] = "camera-clock";
        frame["offsetMs"] = -120.5;
        frame["role"] = "pre";
        frame["late"] = new JsonObject { ["byMs"] = 40, ["reason"] = "camera stalled" };
        record["trigger"]!["holder"] = "张伟";

        Assert.Null(Problem(record));
    }

    [Theory]
    [InlineData("siteId", "'siteId' must be")]
    [InlineData("workOrder", "'workOrder' must be an object, not null")]
    [InlineData("deviceId", "'deviceId' must be")]
    [InlineData("recordId", "'recordId' must be a UUID string")]
    [InlineData("image", "'image' must be an object")]
    public void A_null_required_member_is_named_in_the_reason(string member, string reason)
    {
        var record = Record();
        record[member] = null;

        Assert.StartsWith(reason, Problem(record), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_string_is_bounded_even_in_members_the_validator_does_not_know()
    {
        var record = Record();
        record["frame"]!["futureMember"] = new string('x', RecordValidator.MaxStringLength + 1);

        Assert.Equal($"'frame.futureMember' is {RecordValidator.MaxStringLength + 1} characters; the limit is {RecordValidator.MaxStringLength}", Problem(record));
    }

    [Fact]
    public void A_30_MiB_siteId_is_refused_by_size_before_it_is_parsed()
    {
        var record = Record();
        record["siteId"] = new string('s', 30 * 1024 * 1024);

        Assert.StartsWith("record is 3145", Problem(record), StringComparison.Ordinal);
    }

    [Fact]
    public void Step_and_camera_ids_are_bounded_so_the_record_file_name_fits()
    {
        var record = Record();
        record["step"]!["id"] = new string('s', 101);

        Assert.StartsWith("'step.id' must be", Problem(record), StringComparison.Ordinal);
        record["step"]!["id"] = "isolated";
        record["frame"]!["cameraId"] = new string('.', 34); // 102 characters encoded
        Assert.StartsWith("'frame.cameraId' must be", Problem(record), StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_members_are_refused()
    {
        var json = Record().ToJsonString();
        var duplicated = "{\"siteId\":\"other\"," + json[1..];

        Assert.Equal("'siteId' appears twice", RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(duplicated)));
    }

    [Theory]
    [InlineData("\"中\"", 1024, null)] // 3072 bytes of UTF-8, 1024 characters: within the limit
    [InlineData("\"中\"", 1025, "'frame.futureMember' is 1025 characters; the limit is 1024")]
    [InlineData("\"\\u0078\"", 1024, null)] // 6144 bytes of escapes, 1024 characters
    [InlineData("\"\\u0078\"", 1025, "'frame.futureMember' is 1025 characters; the limit is 1024")]
    [InlineData("[\"x\"]", 1024, "'frame.futureMember[1]' is 1025 characters; the limit is 1024")] // the second item of ["x", "xx…"]
    public void Strings_are_bounded_by_characters_however_they_are_written(string unit, int count, string? problem)
    {
        var record = Record().ToJsonString();
        var value = unit.StartsWith('[')
            ? $"[\"x\",\"{new string('x', count + 1)}\"]"
            : $"\"{string.Concat(Enumerable.Repeat(unit[1..^1], count))}\"";
        var json = record.Replace("\"frame\":{", $"\"frame\":{{\"futureMember\":{value},", StringComparison.Ordinal);

        Assert.NotEqual(record, json);
        Assert.Equal(problem, RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)] // more members than the small-object scan: a set finds it
    public void A_duplicate_member_in_a_nested_object_is_named_by_its_path(int members)
    {
        var names = string.Concat(Enumerable.Range(0, members).Select(i => $"\"m{i}\":{i},"));
        var json = Record().ToJsonString().Replace("\"frame\":{", $"\"frame\":{{\"late\":{{{names}\"\\u006d1\":0}},", StringComparison.Ordinal);

        Assert.Equal("'frame.late.m1' appears twice", RecordValidator.Problem(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Timestamps_are_valid_exactly_when_DateTimeOffset_parses_them()
    {
        var random = new Random(11);
        string Two(int max) => random.Next(max + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        string[] years = ["0001", "0002", "1999", "2024", "2026", "2100", "9998", "9999", "20x6"];
        string[] fractions = ["", ".", ".0", ".06", ".123", ".1234567", ".12345678", ".123456789", ".x"];
        string[] offsets = ["Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+13:59", "+14:00", "-14:00", "+14:01", "+15:00", "+05:60", "+0530", "+05", "", " Z", "Z "];
        int accepted = 0, refused = 0;
        var record = Record();
        for (var n = 0; n < 3000; n++)
        {
            var stamp = $"{years[random.Next(years.Length)]}-{Two(13)}-{Two(32)}{(random.Next(20) == 0 ? " " : "T")}{Two(24)}:{Two(60)}:{Two(60)}{fractions[random.Next(fractions.Length)]}{offsets[random.Next(offsets.Length)]}";
            record["createdAt"] = stamp;
            var valid = DateTimeOffset.TryParse(stamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);

            var problem = Problem(record);

            Assert.True(valid ? problem is null : problem?.StartsWith("'createdAt' must be", StringComparison.Ordinal) == true, $"{stamp}: {problem ?? "valid"}");
            _ = valid ? accepted++ : refused++;
        }

        Assert.True(accepted > 300 && refused > 300, $"{accepted} accepted, {refused} refused");
    }

    [Theory]
    [InlineData("site7.conv-3")]
    [InlineData("cv_1")]
    public void Dotted_and_underscored_device_ids_are_valid(string deviceId)
    {
        var record = Record();
        record["deviceId"] = deviceId;

        Assert.Null(Problem(record));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData(" ")]
    [InlineData("..")]
    public void Empty_and_dot_device_ids_are_refused(string deviceId)
    {
        var record = Record();
        record["deviceId"] = deviceId;

        Assert.StartsWith("'deviceId' must be", Problem(record), StringComparison.Ordinal);
    }
}
