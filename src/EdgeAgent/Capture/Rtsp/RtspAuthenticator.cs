using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// Answers a camera's 401 challenge with the user and password from the URL's user info: Digest (RFC 2617, MD5,
/// qop <c>auth</c> or none) when offered, Basic otherwise. The password is kept here only and never logged.
/// </summary>
internal sealed class RtspAuthenticator(string user, string password)
{
    private string? scheme;
    private string realm = "", nonce = "", opaque = "", qop = "";
    private int nonceCount;

    /// <summary>True once a challenge was answered (a second 401 then means the credentials are wrong).</summary>
    public bool Challenged => scheme is not null;

    /// <summary>The credentials in <paramref name="url"/>'s user info, or null when it has none.</summary>
    public static RtspAuthenticator? FromUrl(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return null;
        }

        var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? new RtspAuthenticator(Uri.UnescapeDataString(url.UserInfo), "")
            : new RtspAuthenticator(Uri.UnescapeDataString(url.UserInfo[..colon]), Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]));
    }

    /// <summary>Takes the WWW-Authenticate headers of a 401; false when none names a scheme this client speaks.</summary>
    public bool Accept(IEnumerable<string> challenges)
    {
        var list = challenges.ToList();
        if (list.FirstOrDefault(c => c.StartsWith("Digest", StringComparison.OrdinalIgnoreCase)) is { } digest)
        {
            var fields = Fields(digest[6..]);
            scheme = "Digest";
            realm = fields.GetValueOrDefault("realm", "");
            nonce = fields.GetValueOrDefault("nonce", "");
            opaque = fields.GetValueOrDefault("opaque", "");
            var offered = fields.GetValueOrDefault("qop", "").Split(',', StringSplitOptions.TrimEntries);
            qop = offered.Contains("auth", StringComparer.OrdinalIgnoreCase) ? "auth" : "";
            nonceCount = 0;
            return fields.GetValueOrDefault("algorithm", "MD5").Equals("MD5", StringComparison.OrdinalIgnoreCase);
        }

        if (list.Any(c => c.StartsWith("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            scheme = "Basic";
            return true;
        }

        return false;
    }

    /// <summary>The Authorization header for a request, or null before any challenge.</summary>
    public string? Header(string method, string uri)
    {
        if (scheme == "Basic")
        {
            return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        }

        if (scheme != "Digest")
        {
            return null;
        }

        var ha1 = Md5($"{user}:{realm}:{password}");
        var ha2 = Md5($"{method}:{uri}");
        var header = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\"");
        if (qop.Length > 0)
        {
            var nc = (++nonceCount).ToString("x8", CultureInfo.InvariantCulture);
            var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            header.Append(CultureInfo.InvariantCulture, $", qop={qop}, nc={nc}, cnonce=\"{cnonce}\", response=\"{Md5($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")}\"");
        }
        else
        {
            header.Append(CultureInfo.InvariantCulture, $", response=\"{Md5($"{ha1}:{nonce}:{ha2}")}\"");
        }

        if (opaque.Length > 0)
        {
            header.Append(CultureInfo.InvariantCulture, $", opaque=\"{opaque}\"");
        }

        return header.ToString();
    }

    /// <summary>key="value" or key=value pairs of a challenge.</summary>
    internal static Dictionary<string, string> Fields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = text[i..eq].Trim();
            string value;
            if (eq + 1 < text.Length && text[eq + 1] == '"')
            {
                var close = text.IndexOf('"', eq + 2);
                close = close < 0 ? text.Length : close;
                value = text[(eq + 2)..close];
                i = close + 1;
            }
            else
            {
                var comma = text.IndexOf(',', eq + 1);
                comma = comma < 0 ? text.Length : comma;
                value = text[(eq + 1)..comma].Trim();
                i = comma;
            }

            fields[key] = value;
        }

        return fields;
    }

#pragma warning disable CA5351 // RTSP Digest (RFC 2617) is defined over MD5; this is the camera's protocol, not our choice of hash
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
