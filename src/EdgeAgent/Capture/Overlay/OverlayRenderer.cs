using System.Runtime.InteropServices;
using EdgeAgent.Configuration;
using OpenCvSharp;

namespace EdgeAgent.Capture.Overlay;

/// <summary>
/// Burns lines of text (any script, CJK included) into a copy of a frame, on a dimmed band so it stays
/// readable on any scene. The original frame is never modified.
/// </summary>
public static class OverlayRenderer
{
    private static readonly Lock Gate = new(); // Pango's default font map is shared; overlays are rare, so serialise

    public static RawFrame Render(RawFrame original, IReadOnlyList<string> lines, OverlayOptions options)
    {
        using var bgr = Mat.FromPixelData(original.Height, original.Width, MatType.CV_8UC3, original.Pixels);
        using var canvas = new Mat();
        Cv2.CvtColor(bgr, canvas, ColorConversionCodes.BGR2BGRA); // the byte order of cairo's RGB24 on little-endian
        if (lines.Count > 0)
        {
            lock (Gate)
            {
                Draw(canvas, lines, options);
            }
        }

        using var result = new Mat();
        Cv2.CvtColor(canvas, result, ColorConversionCodes.BGRA2BGR);
        var pixels = new byte[original.Pixels.Length];
        Marshal.Copy(result.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, original.Width, original.Height);
    }

    /// <summary>Glyphs no installed font could draw (shown as boxes); 0 means every character, CJK included, renders.</summary>
    public static int MissingGlyphs(string text, OverlayOptions options)
    {
        using var canvas = new Mat(64, 64, MatType.CV_8UC4, Scalar.Black);
        lock (Gate)
        {
            var missing = 0;
            Draw(canvas, [text], options, layout => missing = PangoCairo.LayoutGetUnknownGlyphsCount(layout));
            return missing;
        }
    }

    private static void Draw(Mat canvas, IReadOnlyList<string> lines, OverlayOptions options, Action<IntPtr>? inspect = null)
    {
        var stride = PangoCairo.StrideForWidth(PangoCairo.FormatRgb24, canvas.Width);
        if (stride != (int)canvas.Step())
        {
            throw new InvalidOperationException($"cairo wants stride {stride} for width {canvas.Width}, the frame has {canvas.Step()}");
        }

        var surface = PangoCairo.ImageSurfaceCreateForData(canvas.Data, PangoCairo.FormatRgb24, canvas.Width, canvas.Height, stride);
        var cr = PangoCairo.Create(surface);
        var layout = PangoCairo.CreateLayout(cr);
        var font = PangoCairo.FontDescriptionFromString(options.Font);
        try
        {
            var textPx = Math.Max(10, canvas.Height * options.TextHeight);
            PangoCairo.FontDescriptionSetAbsoluteSize(font, textPx * PangoCairo.PangoScale);
            PangoCairo.LayoutSetFontDescription(layout, font);
            PangoCairo.LayoutSetText(layout, string.Join('\n', lines), -1);
            PangoCairo.LayoutGetPixelSize(layout, out _, out var textHeight);
            inspect?.Invoke(layout);
            var margin = textPx / 2;
            var bandHeight = textHeight + (2 * margin);
            var top = options.Position == "top" ? 0 : canvas.Height - bandHeight;

            PangoCairo.SetSourceRgba(cr, 0, 0, 0, 0.55);
            PangoCairo.Rectangle(cr, 0, top, canvas.Width, bandHeight);
            PangoCairo.Fill(cr);
            PangoCairo.SetSourceRgba(cr, 1, 1, 1, 1);
            PangoCairo.MoveTo(cr, margin, top + margin);
            PangoCairo.ShowLayout(cr, layout);
            PangoCairo.SurfaceFlush(surface);
        }
        finally
        {
            PangoCairo.FontDescriptionFree(font);
            PangoCairo.ObjectUnref(layout);
            PangoCairo.Destroy(cr);
            PangoCairo.SurfaceDestroy(surface);
        }
    }
}
