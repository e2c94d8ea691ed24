using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Collector;
using EdgeAgent.Evidence;

namespace EdgeAgent.Verification;

/// <summary>Checks a collector's output: every record parses and its image exists and matches its SHA-256.</summary>
public static class EvidenceVerifier
{
    public static VerificationReport Verify(string root)
    {
        var problems = new List<string>();
        var records = 0;
        foreach (var (jsonPath, imagePath) in new EvidenceStore(root).Enumerate().OrderBy(p => p.JsonPath, StringComparer.Ordinal))
        {
            records++;
            EvidenceRecord record;
            try
            {
                record = EvidenceRecord.FromJson(File.ReadAllBytes(jsonPath));
            }
            catch (JsonException ex)
            {
                problems.Add($"{jsonPath}: record does not parse: {ex.Message}");
                continue;
            }

            if (!File.Exists(imagePath))
            {
                problems.Add($"{jsonPath}: image {Path.GetFileName(imagePath)} is missing");
                continue;
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(imagePath)));
            if (hash != record.Image.Sha256)
            {
                problems.Add($"{jsonPath}: image SHA-256 is {hash}, record says {record.Image.Sha256}");
            }
        }

        return new VerificationReport(records, problems);
    }
}

public sealed record VerificationReport(int Records, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0 && Records > 0;
}
