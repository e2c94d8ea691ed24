using EdgeAgent.Capture.Overlay;
using EdgeAgent.Configuration;
using EdgeAgent.Procedure;

namespace EdgeAgent.Health;

/// <summary>
/// Draws every text a photo stamp may carry from the configuration (site and point ids, the literal labels of
/// each camera's overlay lines, every step and procedure name of the points' procedures, in every language) with
/// the overlay renderer and the camera's font, and names each text with glyphs no installed font has: those
/// would be stamped as empty boxes. Run by <c>doctor</c> and at start-up.
/// </summary>
public static class StampFontCheck
{
    /// <summary>A text the stamp cannot draw in full.</summary>
    /// <param name="Where">Where the text comes from (config key or procedure step and language).</param>
    public sealed record MissingGlyphs(string Where, string Text, int Glyphs, string Font)
    {
        public override string ToString() => $"{Where} \"{Text}\": {Glyphs} glyph(s) missing in font '{Font}'";
    }

    public const string Fix = "install a CJK font: sudo apt-get install fonts-noto-cjk (deploy/install.sh does), or set Cameras:N:Overlay:Font to an installed font with these glyphs";

    /// <summary>How many texts were drawn, and those with missing glyphs.</summary>
    public static (int Checked, IReadOnlyList<MissingGlyphs> Missing) Run(EdgeAgentOptions agent, IReadOnlyDictionary<string, ProcedureTemplate> templates)
    {
        var texts = Texts(agent, templates).ToList();
        var missing = new List<MissingGlyphs>();
        var overlays = agent.Cameras.Where(c => c.Overlay.Enabled).Select(c => c.Overlay).DefaultIfEmpty(new OverlayOptions());
        foreach (var font in overlays.GroupBy(o => o.Font, StringComparer.Ordinal).Select(g => g.First()))
        {
            foreach (var (where, text) in texts)
            {
                var glyphs = OverlayRenderer.MissingGlyphs(text, font);
                if (glyphs > 0)
                {
                    missing.Add(new MissingGlyphs(where, text, glyphs, font.Font));
                }
            }
        }

        return (texts.Count, missing);
    }

    private static IEnumerable<(string Where, string Text)> Texts(EdgeAgentOptions agent, IReadOnlyDictionary<string, ProcedureTemplate> templates)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<(string, string)> Once(string where, string? text) =>
            string.IsNullOrWhiteSpace(text) || !seen.Add(text) ? [] : [(where, text)];

        foreach (var item in Once("SiteId", agent.SiteId))
        {
            yield return item;
        }

        foreach (var point in agent.Points)
        {
            foreach (var item in Once($"Points:{point.Id}", point.Id))
            {
                yield return item;
            }
        }

        for (var c = 0; c < agent.Cameras.Count; c++)
        {
            var lines = agent.Cameras[c].Overlay.Lines;
            for (var l = 0; l < lines.Count; l++)
            {
                // The literal labels of a line template, fields taken out: "工单 {workOrder}" checks "工单".
                var label = System.Text.RegularExpressions.Regex.Replace(lines[l], "\\{[A-Za-z]+\\}", " ").Trim();
                foreach (var item in Once($"Cameras:{c}:Overlay:Lines:{l}", label))
                {
                    yield return item;
                }
            }
        }

        foreach (var template in agent.Points.Select(p => templates.GetValueOrDefault(p.Procedure)).OfType<ProcedureTemplate>().Distinct())
        {
            foreach (var (language, name) in template.Names)
            {
                foreach (var item in Once($"procedure {template.Id} ({language})", name))
                {
                    yield return item;
                }
            }

            foreach (var step in template.Steps)
            {
                foreach (var (language, name) in step.Names)
                {
                    foreach (var item in Once($"procedure {template.Id} step {step.Id} ({language})", name))
                    {
                        yield return item;
                    }
                }
            }
        }
    }
}
