using System.Text;

namespace EdgeAgent.Tests.Central.Collector;

public sealed class SafePathFitsTests
{
    /// <summary>The encoded length as it was computed before (main 63ae389): every UTF-8 byte, 1 when safe, else 3.</summary>
    private static int ReferenceEncodedLength(string name) =>
        Encoding.UTF8.GetBytes(name).Sum(b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' ? 1 : 3);

    [Fact]
    public void Fits_agrees_with_the_byte_by_byte_encoded_length_at_every_limit()
    {
        string[] pieces = ["a", "Z", "0", "-", "_", ".", " ", "%", "/", "é", "中", "😀", "\ud800", "\udc00", "\u007f", "\u0000"];
        var random = new Random(7);
        var checkedNear = 0;
        for (var n = 0; n < 3000; n++)
        {
            var name = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => pieces[random.Next(pieces.Length)]));
            var encoded = ReferenceEncodedLength(name);
            foreach (var limit in new[] { encoded - 1, encoded, encoded + 1, SafePath.MaxFileNamePartLength, SafePath.MaxSegmentLength })
            {
                var expected = !string.IsNullOrEmpty(name) && name.Length <= limit && encoded <= limit;
                Assert.Equal(expected, SafePath.Fits(name, limit));
                checkedNear += limit == encoded && expected ? 1 : 0;
            }
        }

        Assert.True(checkedNear > 1000, $"{checkedNear} names exactly at their limit");
    }
}
