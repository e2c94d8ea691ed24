using System.Security.Cryptography;

namespace EdgeAgent.Configuration;

/// <summary>A collector's public key as configured in <c>Broker:CollectorKeys</c>: checked at start, read by the uplink.</summary>
public static class CollectorKeyFile
{
    /// <summary>Why <paramref name="file"/> cannot be an enrolled collector key, or null.</summary>
    public static string? Problem(string file)
    {
        if (!File.Exists(file))
        {
            return $"file '{file}' does not exist";
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(file));
            return key.KeySize == 256 ? null : $"'{file}' is a {key.KeySize}-bit key; expected ECDSA P-256";
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"'{file}' is not an ECDSA public key in PEM: {ex.Message}";
        }
    }
}
