using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Central.Collector;
using EdgeAgent.Protocol;
using OpenCvSharp;

namespace EdgeAgent.Bench;

/// <summary>
/// Writes a collector store of signed, chained records with real JPEGs, to time <c>edgeagent report</c> and
/// <c>verify</c> on a realistic volume: <c>--synthetic-store DIR --records N [--width W --height H]</c>. One device,
/// jobs of the six conveyor-lockout steps; the device's public key goes to <c>DIR.keys/{device}.pem</c>.
/// Records are built as JSON, so the generator follows the record schema rather than a constructor.
/// </summary>
public static class SyntheticStore
{
    private static readonly (string Id, string En, string Zh, string Trigger)[] Steps =
    [
        ("isolated", "Energy isolated", "能源已隔离", "Manual"),
        ("locked", "Personal lock applied", "已上个人锁", "LockOn"),
        ("zero-energy-verified", "Zero energy verified", "已验证零能量", "Manual"),
        ("area-cleared", "Area cleared", "现场已清理", "Manual"),
        ("lock-removed", "Lock removed", "已解除个人锁", "LockOff"),
        ("restored", "Restored and test run", "已恢复并试运行", "Manual"),
    ];

    public static void Write(string root, int records, int width, int height, TextWriter log)
    {
        const string device = "bench-device";
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keys = root.TrimEnd('/') + ".keys";
        Directory.CreateDirectory(keys);
        File.WriteAllText(Path.Combine(keys, device + ".pem"), key.ExportSubjectPublicKeyInfoPem());
        var store = new EvidenceStore(root);
        var images = Enumerable.Range(0, 16).Select(i => Jpeg(width, height, i)).ToArray();
        var start = new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero);
        var previous = EvidenceSignature.GenesisHash;
        for (var sequence = 1; sequence <= records; sequence++)
        {
            var job = (sequence - 1) / Steps.Length;
            var index = (sequence - 1) % Steps.Length;
            var step = Steps[index];
            var edge = start.AddMinutes(job * 45).AddMinutes(index * 5);
            var image = images[sequence % images.Length];
            var json = new JsonObject
            {
                ["schema"] = EvidenceRecord.SchemaV1,
                ["recordId"] = Guid.CreateVersion7(edge).ToString(),
                ["sequence"] = sequence,
                ["deviceId"] = device,
                ["siteId"] = "site-" + ((job % 3) + 1).ToString(CultureInfo.InvariantCulture),
                ["pointId"] = "conveyor-" + ((job % 7) + 1).ToString(CultureInfo.InvariantCulture),
                ["workOrder"] = new JsonObject { ["id"] = $"WO-{job + 1:D6}", ["procedure"] = "conveyor-lockout", ["status"] = index == Steps.Length - 1 ? "completed" : "open" },
                ["step"] = new JsonObject { ["id"] = step.Id, ["index"] = index, ["names"] = new JsonObject { ["en"] = step.En, ["zh"] = step.Zh }, ["advanced"] = true },
                ["trigger"] = new JsonObject { ["kind"] = step.Trigger, ["source"] = step.Trigger == "Manual" ? "control-socket" : "gpio", ["input"] = "lock-a", ["edgeTime"] = edge.ToString("O"), ["operator"] = "li.wei" },
                ["frame"] = new JsonObject { ["cameraId"] = "cam-1", ["sequence"] = sequence * 40, ["arrivedAt"] = edge.AddMilliseconds(70).ToString("O"), ["ageMs"] = 70, ["width"] = width, ["height"] = height },
                ["image"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(image)), ["bytes"] = image.Length },
                ["createdAt"] = edge.AddMilliseconds(120).ToString("O"),
                ["prevHash"] = previous,
            };
            var record = EvidenceSignature.Sign(EvidenceRecord.FromJson(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())), key);
            var bytes = record.ToJson();
            store.Store(record, bytes, image);
            previous = EvidenceSignature.RecordHash(bytes);
            if (sequence % 1000 == 0)
            {
                log.WriteLine($"{sequence}/{records} records");
            }
        }

        log.WriteLine($"wrote {records} signed records ({width}x{height} JPEGs) to {Path.GetFullPath(root)}; keys in {keys}");
    }

    private static byte[] Jpeg(int width, int height, int seed)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3, new Scalar(60 + seed * 5, 90, 70));
        Cv2.Rectangle(mat, new Rect(width / 8 + seed * 9, height / 4, width / 3, height / 2), new Scalar(0, 140, 255), -1);
        Cv2.PutText(mat, $"conveyor {seed}", new Point(20, height / 6), HersheyFonts.HersheySimplex, height / 300.0, Scalar.White, 2);
        Cv2.ImEncode(".jpg", mat, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
        return jpeg;
    }
}
