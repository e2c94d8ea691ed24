using System.Text;
using System.Text.Json;

namespace EdgeAgent.Tests.Protocol;

/// <summary>
/// The canonical form written once per member name, and both forms from one write, against
/// <see cref="ReferenceCanonicalJson"/> (the algorithm before): the same bytes, the same refusals.
/// </summary>
public sealed class CanonicalJsonTests
{
    private const string Omit = "signature";

    // Raw JSON text inside the quotes: unicode in UTF-8 and as escapes (some the same name twice over), quotes,
    // backslashes, control characters, and names either side of "signature" and of the surrogates in UTF-16 order.
    private static readonly string[] Names =
    [
        "a", "b", "B", "Z", "_", "aa", "ab", "", "signature", "signaturf", "sign", "signaturE", "é", "\\u00e9", "中", "😀",
        "\\ud83d\\ude00", "\uE000", "\uFF5E", "quo\\\"te", "back\\\\slash", "tab\\t", "\\u0000nul", "x\\/y", "<&>", "\\u2028",
    ];

    private static readonly string[] Numbers = ["0", "-0", "1e5", "1E+5", "1.50", "-12.3e-4", "123456789012345678901234567890", "0.1", "-1", "2.0E-308"];

    private static readonly string[] Strings =
    [
        "", "plain", "中文", "😀", "\\n\\r\\t", "\\u00e9", "\\ud83d\\ude00", "\\/", "<>&'+`", "\\u2028\\u2029", "\\u007f", "\u007f",
        "\\u0000", "\\u001f", "\\\"", "\\\\", "\uFFFF", "\uFDD0", "\u0378", "\u00AD", "\U000E0001", "a\\u0062c", "ends with \\\\",
    ];

    [Fact]
    public void Varied_records_canonicalize_to_the_same_bytes_as_the_reference_in_each_form_and_from_one_write()
    {
        var random = new Random(20261202);
        int signatureFirst = 0, signatureMiddle = 0, signatureLast = 0, signatureOnly = 0, duplicates = 0, agreed = 0;
        for (var n = 0; n < 4000; n++)
        {
            var text = TopLevel(random, n % 7 == 0);
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
            var root = document.RootElement;

            var whole = Outcome(() => CanonicalJson.Canonicalize(root));
            var without = Outcome(() => CanonicalJson.Canonicalize(root, Omit));
            Assert.Equal(Outcome(() => ReferenceCanonicalJson.Canonicalize(root)), whole);
            Assert.Equal(Outcome(() => ReferenceCanonicalJson.Canonicalize(root, Omit)), without);

            byte[]? split = null;
            var both = Outcome(() => CanonicalJson.Canonicalize(root, Omit, out split));
            Assert.Equal(whole, both); // the whole form, or its refusal
            if (split is not null)
            {
                Assert.Equal(without, Outcome(() => split));
                agreed++;
            }
            else
            {
                duplicates++;
            }

            var names = root.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var at = names.IndexOf(Omit);
            if (at >= 0 && split is not null)
            {
                _ = names.Count == 1 ? signatureOnly++ : at == 0 ? signatureFirst++ : at == names.Count - 1 ? signatureLast++ : signatureMiddle++;
            }
        }

        // The inputs reached every case the splice has to get right.
        Assert.True(signatureFirst > 10 && signatureMiddle > 10 && signatureLast > 10 && signatureOnly > 0, $"first {signatureFirst}, middle {signatureMiddle}, last {signatureLast}, only {signatureOnly}");
        Assert.True(duplicates > 10 && agreed > 1000, $"duplicates {duplicates}, agreed {agreed}");
    }

    [Fact]
    public void Signed_records_give_the_same_chain_hash_and_signed_bytes_from_one_write()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var previous = EvidenceSignature.GenesisHash;
        for (var sequence = 1; sequence <= 20; sequence++)
        {
            var unsigned = sequence % 5 == 0
                ? TestRecords.UnsignedClip(sequence, previous, TestRecords.Image(sequence))
                : TestRecords.Unsigned(sequence, previous, TestRecords.Image(sequence));
            var json = EvidenceSignature.Sign(unsigned, key).ToJson();
            using var document = JsonDocument.Parse(json);

            var hash = EvidenceSignature.RecordHashOf(document.RootElement, out var signed);

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ReferenceCanonicalJson.Canonicalize(document.RootElement))), hash);
            Assert.Equal(EvidenceSignature.RecordHash(json), hash);
            Assert.Equal(ReferenceCanonicalJson.Canonicalize(document.RootElement, Omit), signed);
            Assert.Equal(EvidenceSignature.SignedBytes(json), signed);
            Assert.Null(EvidenceSignature.Check(EvidenceRecord.FromJson(json).Signature, signed, key));
            previous = hash;
        }
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"x":{"b":[1,{"c":1,"c":1}]}}""")]
    [InlineData("""{"\u00e9":1,"é":2}""")]
    public void Duplicate_member_names_are_rejected_as_before(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(
            Assert.Throws<JsonException>(() => ReferenceCanonicalJson.Canonicalize(root)).Message,
            Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize(root)).Message);
        Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize(root, Omit));
        Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize(root, Omit, out _));
    }

    [Theory]
    [InlineData("""{"signature":1,"x":0,"signature":2}""", """{"x":0}""")]
    [InlineData("""{"signature":{"a":1,"a":2},"x":1}""", """{"x":1}""")]
    public void A_duplicate_in_the_omitted_member_goes_unseen_when_omitted_but_not_in_the_whole_form(string json, string omitted)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        // As before: the omitted member is left out before duplicates are looked for.
        Assert.Equal(ReferenceCanonicalJson.Canonicalize(root, Omit), CanonicalJson.Canonicalize(root, Omit));
        Assert.Equal(omitted, Encoding.UTF8.GetString(CanonicalJson.Canonicalize(root, Omit)));
        Assert.Throws<JsonException>(() => ReferenceCanonicalJson.Canonicalize(root));
        Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize(root, Omit, out _));
    }

    [Theory]
    [InlineData("{\"a\":\"\\ud800\"}")]
    [InlineData("{\"signature\":\"\\udc00x\",\"b\":1}")]
    public void Strings_that_do_not_transcode_fail_as_before(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(Outcome(() => ReferenceCanonicalJson.Canonicalize(root)), Outcome(() => CanonicalJson.Canonicalize(root)));
        Assert.Equal(Outcome(() => ReferenceCanonicalJson.Canonicalize(root, Omit)), Outcome(() => CanonicalJson.Canonicalize(root, Omit)));
    }

    /// <summary>The bytes as hex, or the exception's type and message.</summary>
    private static string Outcome(Func<byte[]> canonicalize)
    {
        try
        {
            return Convert.ToHexString(canonicalize());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private static string TopLevel(Random random, bool allowDuplicates)
    {
        var members = Members(random, random.Next(0, 9), allowDuplicates, depth: 0);
        if (random.Next(4) != 0)
        {
            var signature = random.Next(3) == 0
                ? Value(random, 1)
                : $$"""{"alg":"ES256","keyId":"{{new string('a', 64)}}","value":"{{Convert.ToBase64String(new byte[64])}}"}""";
            members.Insert(random.Next(members.Count + 1), $"\"{Omit}\"{Space(random)}:{Space(random)}{signature}");
        }

        return $"{Space(random)}{{{Space(random)}{string.Join($",{Space(random)}", members)}{Space(random)}}}";
    }

    private static List<string> Members(Random random, int count, bool allowDuplicates, int depth)
    {
        var names = allowDuplicates
            ? Enumerable.Range(0, count).Select(_ => Names[random.Next(Names.Length)])
            : Names.Where(n => n != Omit && n != "\\u00e9" && n != "\\ud83d\\ude00").OrderBy(_ => random.Next()).Take(count);
        return names.Select(name => $"\"{name}\"{Space(random)}:{Space(random)}{Value(random, depth + 1)}").ToList();
    }

    private static string Value(Random random, int depth)
    {
        var kind = random.Next(depth >= 4 ? 5 : 7);
        return kind switch
        {
            0 => Numbers[random.Next(Numbers.Length)],
            1 or 2 => $"\"{Strings[random.Next(Strings.Length)]}\"",
            3 => random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" },
            4 => $"\"{string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Strings[random.Next(Strings.Length)]))}\"",
            5 => $"[{string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, depth + 1)))}]",
            _ => $"{{{string.Join(",", Members(random, random.Next(0, 5), random.Next(10) == 0, depth))}}}",
        };
    }

    private static string Space(Random random) => random.Next(4) switch { 0 => " ", 1 => "\n  ", _ => "" };
}
