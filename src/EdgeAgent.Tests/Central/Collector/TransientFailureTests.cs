using Microsoft.Data.Sqlite;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>Only failures that may pass leave a message unacknowledged; anything else is dead-lettered once.</summary>
public sealed class TransientFailureTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new IOException("No space left on device", unchecked((int)0x8007001C)), true },
        { new SqliteException("database is locked", 5), true },
        { new UnauthorizedAccessException("permission denied"), true },
        { new InvalidOperationException("wrapper", new IOException("disk full")), true },
        { new PathTooLongException("file name too long"), false },
        { new InvalidOperationException("Value must be set"), false },
        { new FormatException("not a date"), false },
        { new ArgumentException("bad name"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Disk_and_index_failures_are_transient_and_bugs_meeting_odd_input_are_not(Exception failure, bool transient) =>
        Assert.Equal(transient, CollectorService.IsTransient(failure));
}
