using System.Net.Sockets;
using System.Text;
using EdgeAgent.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Hosting;

/// <summary>Under systemd each log event is one journal entry whose structured values are fields journalctl can filter on.</summary>
public sealed partial class JournalLoggerTests
{
    [Fact]
    public void Structured_values_become_journal_fields_with_the_event_id()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("journal.socket");
        using var journal = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        journal.Bind(new UnixDomainSocketEndPoint(path));
        journal.ReceiveTimeout = 10_000;
        using var provider = new JournalLoggerProvider(path);
        var logger = provider.CreateLogger("EdgeAgent.Evidence.EvidenceRecorder");
        var record = Guid.CreateVersion7();

        Stored(logger, "cam-1", "conveyor-1", record);

        var buffer = new byte[65536];
        var received = journal.Receive(buffer);
        var fields = Encoding.UTF8.GetString(buffer, 0, received).TrimEnd('\n').Split('\n').Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal($"Camera cam-1 at point conveyor-1 made record {record}", fields["MESSAGE"]);
        Assert.Equal("4", fields["PRIORITY"]);
        Assert.Equal("3001", fields["EDGEAGENT_EVENT_ID"]);
        Assert.Equal("cam-1", fields["EDGEAGENT_CAMERA"]);
        Assert.Equal("conveyor-1", fields["EDGEAGENT_POINT"]);
        Assert.Equal(record.ToString(), fields["EDGEAGENT_RECORD"]);
        Assert.Equal("EdgeAgent.Evidence.EvidenceRecorder", fields["EDGEAGENT_CATEGORY"]);
        Assert.Equal("edgeagent", fields["SYSLOG_IDENTIFIER"]);
    }

    [Theory]
    [InlineData("CameraId", "CAMERA")]
    [InlineData("Camera", "CAMERA")]
    [InlineData("RecordId", "RECORD")]
    [InlineData("Id", "ID")]
    [InlineData("MaximumPacketSize", "MAXIMUM_PACKET_SIZE")]
    [InlineData("point.id", "POINT_ID")]
    public void Keys_become_journal_field_names(string key, string field) => Assert.Equal(field, JournalLogger.FieldName(key));

    [LoggerMessage(EventId = 3001, EventName = "Stored", Level = LogLevel.Warning, Message = "Camera {Camera} at point {Point} made record {Record}")]
    private static partial void Stored(ILogger logger, string camera, string point, Guid record);
}
