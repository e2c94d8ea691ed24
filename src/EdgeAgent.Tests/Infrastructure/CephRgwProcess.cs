using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Demo;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A real one-node Ceph 16 cluster (Debian <c>ceph-mon</c>, <c>ceph-osd</c>, <c>radosgw</c>) with a RADOS Gateway on a
/// loopback port: one monitor, one memstore OSD (in memory, nothing on disk to clean), no cephx (auth none, crc
/// on the wire), and an S3 user. Real S3, with versioning and Object Lock. Each daemon runs in the foreground as a
/// child of this process and is killed on dispose. Start-up takes about 10 s; share it through the tests' CephFixture.
/// </summary>
public sealed class CephRgwProcess : IAsyncDisposable
{
    public const string AccessKey = "EDGEAGENTTESTKEY";
    public const string SecretKey = "edgeagent-test-secret";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<Process> daemons = [];
    private readonly string directory;
    private readonly string config;

    private CephRgwProcess(string directory, int rgwPort)
    {
        this.directory = directory;
        config = Path.Combine(directory, "ceph.conf");
        Endpoint = $"http://127.0.0.1:{rgwPort}";
    }

    /// <summary>The S3 endpoint, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Endpoint { get; }

    public static bool Installed => File.Exists("/usr/bin/radosgw") && File.Exists("/usr/bin/ceph-osd") && File.Exists("/usr/bin/ceph-mon");

    /// <summary>Store options for <paramref name="bucket"/> on this gateway.</summary>
    public S3StoreOptions Options(string bucket, int? objectLockDays = null, string prefix = "") =>
        new() { Bucket = bucket, Prefix = prefix, ServiceUrl = Endpoint, Credentials = new S3Credentials(AccessKey, SecretKey), ObjectLockDays = objectLockDays };

    public static async Task<CephRgwProcess> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgeagent-ceph-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var sub in new[] { "run", "log", "mon", "osd", "rgw" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        var monPort = InProcessBroker.FreeTcpPort();
        var ceph = new CephRgwProcess(directory, InProcessBroker.FreeTcpPort());
        try
        {
            await ceph.BootAsync(monPort);
            return ceph;
        }
        catch (Exception ex)
        {
            var logs = string.Join("\n", Directory.EnumerateFiles(Path.Combine(directory, "log")).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}"));
            await ceph.DisposeAsync();
            throw new InvalidOperationException($"Ceph did not start: {ex.Message}\n{logs}", ex);
        }
    }

    private async Task BootAsync(int monPort)
    {
        var fsid = Guid.NewGuid().ToString();
        var rgwPort = new Uri(Endpoint).Port;
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            [global]
            fsid = {fsid}
            mon host = v2:127.0.0.1:{monPort}
            mon initial members = a
            auth cluster required = none
            auth service required = none
            auth client required = none
            ms bind msgr1 = false
            ms mon client mode = crc
            ms client mode = crc
            ms mon service mode = crc
            ms mon cluster mode = crc
            ms service mode = crc
            ms cluster mode = crc
            osd objectstore = memstore
            memstore device bytes = 1073741824
            osd pool default size = 1
            osd pool default min size = 1
            osd pool default pg num = 8
            osd pool default pgp num = 8
            osd crush chooseleaf type = 0
            mon allow pool size one = true
            mon warn on pool no redundancy = false
            mon max pg per osd = 1000
            mon data avail warn = 1
            mon data avail crit = 0
            run dir = {directory}/run
            admin socket = {directory}/run/$name.asok
            log file = {directory}/log/$name.log
            mon data = {directory}/mon/$id
            osd data = {directory}/osd/$id
            keyring = {directory}/keyring
            [client.rgw.a]
            rgw frontends = beast endpoint=127.0.0.1:{rgwPort} tcp_nodelay=1
            rgw data = {directory}/rgw

            """)); // the parser wants the last line ended
        await RunAsync("ceph-authtool", "--create-keyring", Path.Combine(directory, "keyring"), "--gen-key", "-n", "mon.", "--cap", "mon", "allow *");
        var monmap = Path.Combine(directory, "monmap");
        await RunAsync("monmaptool", "--create", "--fsid", fsid, "--addv", "a", $"[v2:127.0.0.1:{monPort}]", monmap);
        await RunAsync("ceph-mon", "-c", config, "--mkfs", "-i", "a", "--monmap", monmap);
        Launch("ceph-mon", "-c", config, "-f", "-i", "a");

        var osdUuid = Guid.NewGuid().ToString();
        var id = (await RunAsync("ceph", "-c", config, "--connect-timeout", "30", "osd", "new", osdUuid)).Trim();
        Directory.CreateDirectory(Path.Combine(directory, "osd", id));
        await RunAsync("ceph-osd", "-c", config, "-i", id, "--mkfs", "--osd-uuid", osdUuid);
        Launch("ceph-osd", "-c", config, "-f", "-i", id);
        Launch("radosgw", "-c", config, "-f", "-n", "client.rgw.a");

        // The gateway creates its pools on the fresh OSD, then listens; poll until it answers.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (daemons.FirstOrDefault(d => d.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.StartInfo.FileName} exited {dead.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"the RADOS Gateway did not answer on {Endpoint} within {StartTimeout.TotalSeconds} s");
            }

            await Task.Delay(200); // readiness poll of a separate process, bounded by StartTimeout
        }

        await RunAsync("radosgw-admin", "-c", config, "-n", "client.rgw.a", "user", "create", "--uid=edgeagent", "--display-name=edgeagent", $"--access-key={AccessKey}", $"--secret-key={SecretKey}");
    }

    private void Launch(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        daemons.Add(process);
    }

    private static async Task<string> RunAsync(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }

        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in Enumerable.Reverse(daemons))
        {
            try
            {
                daemon.Kill(entireProcessTree: true);
                await daemon.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            daemon.Dispose();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
