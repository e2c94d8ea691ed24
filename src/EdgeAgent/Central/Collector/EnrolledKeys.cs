using System.Security.Cryptography;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// Public keys enrolled at the collector, one per device: <c>{deviceId}.pem</c> files (the output of
/// <c>edgeagent key</c>) in a directory, or a single such file.
/// </summary>
public sealed class EnrolledKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> keys = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Devices => keys.Keys;

    public ECDsa? For(string deviceId) => keys.GetValueOrDefault(deviceId);

    public void Add(string deviceId, ECDsa key) => keys[deviceId] = key;

    /// <exception cref="InvalidDataException">A file is not a PEM public key, or nothing was found.</exception>
    public static EnrolledKeys Load(string fileOrDirectory)
    {
        var files = Directory.Exists(fileOrDirectory)
            ? Directory.EnumerateFiles(fileOrDirectory, "*.pem").Order(StringComparer.Ordinal).ToList()
            : File.Exists(fileOrDirectory) ? [fileOrDirectory] : throw new InvalidDataException($"keys '{fileOrDirectory}' is neither a file nor a directory");
        var enrolled = new EnrolledKeys();
        foreach (var file in files)
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                key.Dispose();
                throw new InvalidDataException($"{file}: not an ECDSA public key in PEM: {ex.Message}", ex);
            }

            enrolled.Add(Path.GetFileNameWithoutExtension(file), key);
        }

        return enrolled.keys.Count > 0 ? enrolled : throw new InvalidDataException($"no *.pem keys in '{fileOrDirectory}'");
    }

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
