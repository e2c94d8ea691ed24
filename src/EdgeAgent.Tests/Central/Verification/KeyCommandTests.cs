namespace EdgeAgent.Tests.Central.Verification;

public sealed class KeyCommandTests
{
    [Fact]
    public async Task Key_prints_the_public_key_of_the_device_key_it_created_in_the_state_directory()
    {
        using var dir = new TempDirectory();
        var config = AgentConfig.Write(dir.Path, AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1883"));
        var (first, second) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, await EdgeAgentCli.InvokeAsync(["key", "--config", config], first, new StringWriter()));
        Assert.Equal(0, await EdgeAgentCli.InvokeAsync(["key", "--config", config], second, new StringWriter()));

        Assert.Equal(first.ToString(), second.ToString()); // the same key, not a new one each time
        using var printed = DeviceKey.ImportPublicKey(first.ToString());
        using var device = DeviceKey.LoadOrCreate(dir.Combine("state"));
        Assert.Equal(device.KeyId, EvidenceSignature.KeyId(printed));
        Assert.Throws<CryptographicException>(() => printed.ExportECPrivateKey()); // only the public half left the device
    }

    [Fact]
    public async Task Key_with_a_broken_config_exits_78()
    {
        using var dir = new TempDirectory();

        Assert.Equal(ExitCodes.Config, await EdgeAgentCli.InvokeAsync(["key", "--config", dir.Combine("missing.json")], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public async Task Key_does_not_need_the_broker_CA_or_password_files()
    {
        using var dir = new TempDirectory();
        var config = AgentConfig.Baseline(dir.Combine("state"), "mqtts://broker.example:8883");
        config["Broker"]!["CaFile"] = dir.Combine("absent-ca.pem");
        config["Broker"]!["PasswordFile"] = dir.Combine("absent.password");
        using var error = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["key", "--config", AgentConfig.Write(dir.Path, config)], new StringWriter(), error);

        Assert.True(exit == 0, error.ToString());
    }
}
