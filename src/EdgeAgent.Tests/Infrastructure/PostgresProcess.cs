using System.Diagnostics;
using EdgeAgent.Demo;
using Npgsql;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster (Debian <c>postgresql</c>): initdb into a temp directory, listening only
/// on a Unix socket in that directory, stopped and deleted on dispose. Run as user <c>postgres</c> when the
/// tests run as root (PostgreSQL refuses to run as root).
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private PostgresProcess(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    private string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>A connection string for <paramref name="database"/> over the Unix socket.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = Directory, Port = Port, Username = "postgres", Database = database, Pooling = true }.ToString();

    public static bool Installed => File.Exists(Path.Combine(BinDirectory, "initdb"));

    public static async Task<PostgresProcess> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgeagent-pg-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new PostgresProcess(directory, InProcessBroker.FreeTcpPort());
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false);
        }

        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), [
            "-D", server.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "30",
            "-o", $"-p {server.Port} -k {directory} -c listen_addresses='' -c fsync=off -c max_connections=50", "start"]);
        return server;
    }

    /// <summary>Creates a fresh database, so each test has its own tables.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task RunAsync(string executable, string[] args, bool asPostgres = true)
    {
        var runAs = asPostgres && Environment.UserName == "root";
        var info = new ProcessStartInfo(runAs ? "/usr/sbin/runuser" : executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in runAs ? ["-u", "postgres", "--", executable, .. args] : args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(executable)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already gone; the directory is removed below either way.
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
