using System.Globalization;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>One RTSP/1.0 response: status, headers (a name may repeat) and body.</summary>
internal sealed record RtspResponse(int Status, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public bool Success => Status is >= 200 and < 300;

    public int CSeq => int.TryParse(Header("CSeq"), CultureInfo.InvariantCulture, out var cseq) ? cseq : -1;

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> All(string name) => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}
