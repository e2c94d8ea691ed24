using EdgeAgent.Demo;
using EdgeAgent.Health;
using EdgeAgent.Doctor;

namespace EdgeAgent.Tests.Doctor;

/// <summary>The doctor's broker check over TLS against a real mosquitto with a certificate made in the test.</summary>
public sealed class DoctorTlsTests : IAsyncLifetime
{
    private readonly TempDirectory dir = new();
    private MosquittoProcess? broker;
    private int port;

    public async Task InitializeAsync()
    {
        using var pki = new TestCertificates(dir.Path);
        var (cert, key) = pki.Issue("server", server: true);
        var caFile = pki.CaFile;
        port = InProcessBroker.FreeTcpPort();
        broker = await MosquittoProcess.StartAsync($"listener {port} 127.0.0.1\nallow_anonymous true\ncafile {caFile}\ncertfile {cert}\nkeyfile {key}\n", listener: false, port: port);
    }

    public async Task DisposeAsync()
    {
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        dir.Dispose();
    }

    private async Task<(int Code, string Output)> DoctorAsync(string caFile)
    {
        var config = AgentConfig.Baseline(dir.Path, $"mqtts://127.0.0.1:{port}");
        config["Broker"]!["CaFile"] = caFile;
        var path = AgentConfig.Write(dir.Path, config);
        using var output = new StringWriter();
        var code = await DoctorCommand.RunAsync(new FieldDoctor(new FixedClockSyncProbe(true), new StatvfsDiskSpaceProbe(), dir.Path), path, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Doctor_connects_over_tls_with_the_configured_ca()
    {
        var (_, output) = await DoctorAsync(dir.Combine("ca.pem"));

        Assert.Matches(@"PASS\s+broker\s+connected to mqtts://127\.0\.0\.1:\d+ \(TLS\)", output);
    }

    [Fact]
    public async Task Doctor_fails_tls_against_a_broker_signed_by_another_ca_and_points_at_CaFile()
    {
        using var stranger = new TestCertificates(Directory.CreateDirectory(dir.Combine("other-ca")).FullName);
        var wrongCa = stranger.CaFile;

        var (code, output) = await DoctorAsync(wrongCa);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Matches(@"FAIL\s+broker\s+mqtts://127\.0\.0\.1:\d+ \(TLS\): TLS handshake failed", output);
        Assert.Contains("fix: Broker:CaFile must hold the CA that signed the broker's certificate", output, StringComparison.Ordinal);
    }
}
