using Npgsql;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Issue 19, group commit with the PostgreSQL index (a real server the fixture starts): a batch's rows are one
/// transaction, committed after the batch's files are durable; nothing of it is visible to another collector before.
/// </summary>
public sealed class PostgresGroupCommitTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await postgres.Server.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    private EvidenceIntake NewIntake(string root, string clientId = "collector-a") => EvidenceIntake.Open(
        new CollectorOptions
        {
            Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" },
            OutputDirectory = temp.Combine(root),
            ClientId = clientId,
            Index = new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = connectionString },
        },
        NullLogger.Instance);

    private static Receipt? Deliver(EvidenceIntake intake, EvidenceRecord record, byte[] image)
    {
        Assert.Null(intake.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", "1", image));
        return intake.AcceptRecord(record.DeviceId, record.ToJson());
    }

    /// <summary>Rows as another collector's connection sees them (committed only).</summary>
    private long CommittedRows()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT COUNT(*) FROM records", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Until PostgreSQL shows a backend waiting for a lock (b's insert behind a's open transaction); fails if <paramref name="task"/> ends first.</summary>
    private async Task WaitForLockWaiterAsync(Task task)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", connection);
            if ((long)(await command.ExecuteScalarAsync(deadline.Token))! > 0)
            {
                return;
            }

            Assert.False(task.IsCompleted, "the second collector finished without waiting for the first one's transaction");
            await Task.Delay(10, deadline.Token); // polling the server's own view of the wait, not sleeping in place of it
        }
    }

    private static List<(EvidenceRecord Record, byte[] Image)> Records(int count, string deviceId)
    {
        var list = new List<(EvidenceRecord, byte[])>();
        var previous = EvidenceSignature.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var image = TestRecords.Image(i);
            var record = TestRecords.Unsigned(i, previous, image, deviceId: deviceId);
            previous = EvidenceSignature.RecordHash(record.ToJson());
            list.Add((record, image));
        }

        return list;
    }

    [Fact]
    public void A_batch_of_ten_records_is_one_PostgreSQL_transaction_invisible_to_other_collectors_until_committed()
    {
        using var intake = NewIntake("a");
        Assert.True(intake.SupportsGroupCommit);
        var records = Records(10, "pg-dev");
        var stored = new List<Guid>();
        intake.RecordStored += (_, r) => stored.Add(r.RecordId);

        intake.BeginBatch();
        foreach (var (record, image) in records)
        {
            Assert.Equal(ReceiptStatus.Stored, Deliver(intake, record, image)!.Status);
        }

        Assert.Equal(0, CommittedRows());
        Assert.Empty(((EvidenceStore)intake.Store).Enumerate()); // no record file renamed yet
        Assert.Empty(stored);
        Assert.Empty(intake.Index.ChainBreaks("pg-dev")); // each link checked against its predecessor in the same batch

        intake.CommitBatch();

        Assert.Equal(10, CommittedRows());
        Assert.Equal(1, ((PostgresEvidenceIndex)intake.Index).Commits);
        Assert.Equal(10, ((EvidenceStore)intake.Store).Enumerate().Count());
        Assert.Equal(records.Select(r => r.Record.RecordId), stored);
    }

    [Fact]
    public void An_aborted_batch_leaves_no_row_and_its_redelivery_is_stored_once_then_answered_duplicate()
    {
        using var intake = NewIntake("b");
        var records = Records(5, "pg-dev-2");
        intake.BeginBatch();
        foreach (var (record, image) in records)
        {
            Deliver(intake, record, image);
        }

        intake.AbortBatch();
        Assert.Equal(0, CommittedRows());
        Assert.Empty(((EvidenceStore)intake.Store).Enumerate());

        intake.BeginBatch();
        Assert.All(records, r => Assert.Equal(ReceiptStatus.Stored, Deliver(intake, r.Record, r.Image)!.Status));
        intake.CommitBatch();
        intake.BeginBatch();
        Assert.All(records, r => Assert.Equal(ReceiptStatus.Duplicate, Deliver(intake, r.Record, r.Image)!.Status));
        intake.CommitBatch();

        Assert.Equal(5, CommittedRows());
        Assert.Equal(5, ((EvidenceStore)intake.Store).Enumerate().Count());
    }

    [Fact]
    public async Task A_second_collector_storing_the_same_record_while_the_first_batch_is_open_answers_duplicate_after_it_commits()
    {
        using var a = NewIntake("shared", "collector-a");
        using var b = NewIntake("shared", "collector-b");
        var (record, image) = Records(1, "pg-dev-3")[0];
        a.BeginBatch();
        Assert.Equal(ReceiptStatus.Stored, Deliver(a, record, image)!.Status);

        // b's insert waits for a's open transaction; a commits from another thread.
        var second = Task.Run(() =>
        {
            b.BeginBatch();
            var receipt = Deliver(b, record, image);
            b.CommitBatch();
            return receipt;
        });
        await WaitForLockWaiterAsync(second);
        Assert.False(second.IsCompleted, "b could not know a's record before a committed");
        a.CommitBatch();

        Assert.Equal(ReceiptStatus.Duplicate, (await second.WaitAsync(TimeSpan.FromSeconds(60)))!.Status);
        Assert.Equal(1, CommittedRows());
    }
}
