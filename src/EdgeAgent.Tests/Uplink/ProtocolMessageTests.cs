using System.Text;
using EdgeAgent.Uplink;

namespace EdgeAgent.Tests.Uplink;

public sealed class ProtocolMessageTests
{
    [Fact]
    public void Receipt_round_trips_and_garbage_is_not_a_receipt()
    {
        var receipt = new Receipt { RecordId = Guid.NewGuid(), Sequence = 7, Status = ReceiptStatus.Incomplete, Missing = [1, 3] };

        var parsed = Receipt.TryParse(receipt.ToJson());

        Assert.Equal(receipt.RecordId, parsed!.RecordId);
        Assert.Equal([1, 3], parsed.Missing);
        Assert.Contains("\"status\":\"incomplete\"", Encoding.UTF8.GetString(receipt.ToJson()), StringComparison.Ordinal);
        Assert.Null(Receipt.TryParse("nonsense"u8));
        Assert.Null(Receipt.TryParse("""{"schema":"other/1","recordId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","sequence":1,"status":"stored"}"""u8));
        Assert.Null(Receipt.TryParse("""{"schema":"edgeagent.receipt/1","recordId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","sequence":1,"status":0}"""u8));
        Assert.Null(Receipt.TryParse(new byte[Receipt.MaxBytes + 1]));
    }

    [Theory]
    [InlineData("""{"command":"capture-now","point":"conveyor-1","step":"isolated","operator":"Zhang Wei"}""", "capture-now")]
    [InlineData("""{"command":"status"}""", "status")]
    [InlineData("""{"schema":"edgeagent.command/1","command":"status"}""", "status")]
    [InlineData("""{"command":"start-work-order","point":"p1","workOrder":"WO-42"}""", "start-work-order")]
    public void Valid_commands_parse(string json, string name)
    {
        Assert.Equal(name, DeviceCommand.TryParse(Encoding.UTF8.GetBytes(json), out var error)?.Name);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("""{"command":"reboot"}""", "'command'")]
    [InlineData("""{"schema":"edgeagent.command/2","command":"status"}""", "unsupported schema 'edgeagent.command/2'")]
    [InlineData("""{"command":"status","x":"1"}""", "unknown field 'x'")]
    [InlineData("""{"command":"capture-now","point":"a/b"}""", "'point'")]
    [InlineData("""{"command":"capture-now","operator":"a\u0000b"}""", "'operator'")]
    [InlineData("""{"command":"start-work-order"}""", "'workOrder'")]
    [InlineData("""{"command":["status"]}""", "must be a string")]
    [InlineData("""{"command":"status""", "not valid JSON")]
    public void Invalid_commands_are_refused_with_a_reason_naming_the_field(string json, string expected)
    {
        Assert.Null(DeviceCommand.TryParse(Encoding.UTF8.GetBytes(json), out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_command_is_refused_before_parsing()
    {
        Assert.Null(DeviceCommand.TryParse(new byte[DeviceCommand.MaxPayloadBytes + 1], out var error));
        Assert.Contains("limit is 4096", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconnect_backoff_grows_exponentially_with_jitter_and_is_capped()
    {
        var random = new Random(1);
        var delays = Enumerable.Range(1, 12).Select(f => ReconnectBackoff.Next(f, random).TotalSeconds).ToArray();

        Assert.InRange(delays[0], 0.8, 1.2);
        Assert.InRange(delays[3], 6.4, 9.6);
        Assert.All(delays, d => Assert.InRange(d, 0.8, 72));
        Assert.InRange(delays[^1], 48, 72);
        Assert.NotEqual(ReconnectBackoff.Next(3, new Random(1)), ReconnectBackoff.Next(3, new Random(2)));
        Assert.Equal("edgeagent/v1/d1/command", Topics.Command("d1"));
        Assert.Equal("$share/g/edgeagent/v1/+/evidence", Topics.Shared("g", Topics.AllEvidence));
    }
}
