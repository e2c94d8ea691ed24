using System.Globalization;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// The video medium of a DESCRIBE answer (SDP, RFC 8866): its payload type, encoding, clock rate, control URL and any
/// parameter sets given out of band (H.264 <c>sprop-parameter-sets</c>, RFC 6184; H.265 <c>sprop-vps/sps/pps</c>, RFC 7798).
/// </summary>
/// <param name="Encoding">The rtpmap encoding name, upper case (<c>H264</c>, <c>H265</c>, <c>JPEG</c>, ...).</param>
/// <param name="Control">The medium's control URL resolved against the content base.</param>
internal sealed record SessionDescription(string Encoding, int PayloadType, int ClockRate, string Control, IReadOnlyList<byte[]> ParameterSets)
{
    /// <summary><c>h264</c> or <c>h265</c> when the managed client reads this encoding; null otherwise.</summary>
    public string? Codec => Encoding switch
    {
        "H264" => EncodedUnit.H264,
        "H265" or "HEVC" => EncodedUnit.H265,
        _ => null,
    };

    /// <summary>The first video medium of <paramref name="sdp"/>, or null when it has none.</summary>
    /// <param name="contentBase">Content-Base (or Content-Location, or the request URL) that relative controls resolve against.</param>
    public static SessionDescription? Parse(string sdp, string contentBase)
    {
        string? sessionControl = null;
        var inVideo = false;
        var inMedia = false;
        var seenVideo = false;
        int? payloadType = null;
        string? encoding = null, control = null;
        var clockRate = 90000;
        var sets = new List<byte[]>();
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                if (seenVideo)
                {
                    break; // the first video medium only
                }

                inMedia = true;
                var fields = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                inVideo = fields.Length >= 4 && fields[0] == "video";
                seenVideo = inVideo;
                payloadType = inVideo && int.TryParse(fields[3], CultureInfo.InvariantCulture, out var pt) ? pt : null;
                encoding = payloadType == 26 ? "JPEG" : null; // static payload type (RFC 3551)
                continue;
            }

            if (!line.StartsWith("a=", StringComparison.Ordinal))
            {
                continue;
            }

            var (name, value) = line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? (line[2..colon], line[(colon + 1)..].Trim()) : (line[2..], "");
            if (name == "control")
            {
                if (inVideo)
                {
                    control = value;
                }
                else if (!inMedia)
                {
                    sessionControl = value; // session level: before the first medium
                }
            }
            else if (inVideo && name == "rtpmap" && ForPayload(value, payloadType, out var map))
            {
                var parts = map.Split('/');
                encoding = parts[0].Trim().ToUpperInvariant();
                clockRate = parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : clockRate;
            }
            else if (inVideo && name == "fmtp" && ForPayload(value, payloadType, out var fmtp))
            {
                foreach (var parameter in fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = parameter.IndexOf('=', StringComparison.Ordinal);
                    var key = eq > 0 ? parameter[..eq].Trim().ToLowerInvariant() : "";
                    if (key is "sprop-parameter-sets" or "sprop-vps" or "sprop-sps" or "sprop-pps")
                    {
                        sets.AddRange(Decode(parameter[(eq + 1)..]));
                    }
                }
            }
        }

        if (!seenVideo || payloadType is null)
        {
            return null;
        }

        var baseUrl = Resolve(contentBase, sessionControl);
        return new SessionDescription(encoding ?? "", payloadType.Value, clockRate, Resolve(baseUrl, control), sets);
    }

    /// <summary>A control attribute resolved against <paramref name="baseUrl"/>: absolute as is, <c>*</c> or none the base, relative appended.</summary>
    public static string Resolve(string baseUrl, string? control)
    {
        if (string.IsNullOrEmpty(control) || control == "*")
        {
            return baseUrl;
        }

        if (control.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || control.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            return control;
        }

        return baseUrl.EndsWith('/') ? baseUrl + control : $"{baseUrl}/{control}";
    }

    private static bool ForPayload(string value, int? payloadType, out string rest)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        rest = space > 0 ? value[(space + 1)..] : "";
        return space > 0 && int.TryParse(value[..space], CultureInfo.InvariantCulture, out var pt) && pt == payloadType;
    }

    private static IEnumerable<byte[]> Decode(string list)
    {
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bytes = new byte[item.Length];
            if (Convert.TryFromBase64String(item, bytes, out var written) && written > 0)
            {
                yield return bytes[..written];
            }
        }
    }
}
