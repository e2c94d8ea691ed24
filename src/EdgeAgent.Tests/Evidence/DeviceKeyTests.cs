namespace EdgeAgent.Tests.Evidence;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DeviceKeyTests
{
    [Fact]
    public void First_start_creates_a_P256_key_readable_by_the_owner_only_and_later_starts_reuse_it()
    {
        using var dir = new TempDirectory();

        string keyId;
        using (var created = DeviceKey.LoadOrCreate(dir.Path))
        {
            Assert.True(created.Created);
            Assert.Equal(256, created.Key.KeySize);
            keyId = created.KeyId;
        }

        using var loaded = DeviceKey.LoadOrCreate(dir.Path);

        Assert.False(loaded.Created);
        Assert.Equal(keyId, loaded.KeyId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Combine(DeviceKey.FileName)));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", loaded.PublicKeyPem);
        Assert.DoesNotContain("PRIVATE", loaded.PublicKeyPem);
    }

    [Fact]
    public void A_key_file_opened_up_to_others_is_tightened_back_to_0600()
    {
        using var dir = new TempDirectory();
        DeviceKey.LoadOrCreate(dir.Path).Dispose();
        File.SetUnixFileMode(dir.Combine(DeviceKey.FileName), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var key = DeviceKey.LoadOrCreate(dir.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Combine(DeviceKey.FileName)));
    }

    [Fact]
    public void A_corrupt_key_file_fails_loudly_instead_of_being_replaced()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine(DeviceKey.FileName), "not a key");

        Assert.ThrowsAny<ArgumentException>(() => DeviceKey.LoadOrCreate(dir.Path));
        Assert.Equal("not a key", File.ReadAllText(dir.Combine(DeviceKey.FileName)));
    }

    [Fact]
    public void A_corrupt_key_file_at_agent_start_is_a_configuration_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine(DeviceKey.FileName), "not a key");

        var ex = Assert.Throws<EdgeAgent.Configuration.ConfigException>(() => DeviceKey.Open(dir.Path));

        Assert.Contains($"StateDirectory: device key {dir.Combine(DeviceKey.FileName)} cannot be created or read", ex.Errors[0]);
    }
}
