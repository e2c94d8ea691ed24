using System.Security.Cryptography;
using EdgeAgent.Platform;

namespace EdgeAgent.Protocol;

/// <summary>
/// The device's signing key: ECDSA P-256, made at first start and kept as PKCS#8 PEM in
/// <c>{StateDirectory}/device-key.pem</c>, readable by the owner only (0600). The public half is enrolled
/// at the collector (<c>edgeagent key</c> prints it).
/// </summary>
public sealed class DeviceKey : IDisposable
{
    public const string FileName = "device-key.pem";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private DeviceKey(ECDsa key, string path, bool created)
    {
        Key = key;
        Path = path;
        Created = created;
        KeyId = EvidenceSignature.KeyId(key);
    }

    public ECDsa Key { get; }

    public string Path { get; }

    /// <summary>True when this call made a new key (first start).</summary>
    public bool Created { get; }

    public string KeyId { get; }

    /// <summary>The public key as SubjectPublicKeyInfo PEM, for enrolment.</summary>
    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Loads the key from <paramref name="stateDirectory"/>, creating it (mode 0600) if there is none.</summary>
    /// <exception cref="CryptographicException">The key file exists but is not a P-256 private key.</exception>
    public static DeviceKey LoadOrCreate(string stateDirectory)
    {
        StateFiles.CreateDirectory(stateDirectory);
        return LoadOrCreateFile(System.IO.Path.Combine(System.IO.Path.GetFullPath(stateDirectory), FileName));
    }

    /// <summary>Loads the P-256 key in <paramref name="file"/>, creating it (mode 0600) if there is none; also the collector's receipt key.</summary>
    /// <exception cref="CryptographicException">The key file exists but is not a P-256 private key.</exception>
    public static DeviceKey LoadOrCreateFile(string file)
    {
        var path = System.IO.Path.GetFullPath(file);
        StateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(path, OwnerOnly); // someone loosened it: tighten before reading
            }

            var existing = ECDsa.Create();
            existing.ImportFromPem(File.ReadAllText(path));
            if (existing.KeySize != 256)
            {
                existing.Dispose();
                throw new CryptographicException($"{path}: device key is {existing.KeySize}-bit; expected ECDSA P-256");
            }

            return new DeviceKey(existing, path, created: false);
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem());
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly; // born 0600: never a moment when others could read it
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(pem);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: false);
        DurableFile.SyncDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new DeviceKey(key, path, created: true);
    }

    /// <summary>As <see cref="LoadOrCreate"/>, but a key that cannot be made or read is a configuration error (exit 78).</summary>
    public static DeviceKey Open(string stateDirectory)
    {
        try
        {
            return LoadOrCreate(stateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new Configuration.ConfigException([$"StateDirectory: device key {System.IO.Path.Combine(stateDirectory, FileName)} cannot be created or read: {ex.Message}"]);
        }
    }

    /// <summary>Reads a public key (SubjectPublicKeyInfo PEM, or a private key PEM) for verification.</summary>
    public static ECDsa ImportPublicKey(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key;
    }

    public void Dispose() => Key.Dispose();
}
