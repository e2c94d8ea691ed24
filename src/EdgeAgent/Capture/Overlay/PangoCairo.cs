using System.Runtime.InteropServices;

namespace EdgeAgent.Capture.Overlay;

/// <summary>
/// The few cairo and Pango calls the overlay needs. Pango shapes text and, through fontconfig, falls back to
/// a font that has the glyphs (Noto Sans CJK for Chinese), which OpenCV's Hershey fonts cannot do. The
/// libraries come with libgtk-3-0, which OpenCvSharp's runtime already needs.
/// </summary>
internal static partial class PangoCairo
{
    public const int FormatRgb24 = 1;
    public const int PangoScale = 1024;
    private const string Cairo = "libcairo.so.2";
    private const string Pango = "libpango-1.0.so.0";
    private const string PangoCairoLib = "libpangocairo-1.0.so.0";
    private const string GObject = "libgobject-2.0.so.0";

    [LibraryImport(Cairo, EntryPoint = "cairo_format_stride_for_width")]
    public static partial int StrideForWidth(int format, int width);

    [LibraryImport(Cairo, EntryPoint = "cairo_image_surface_create_for_data")]
    public static partial IntPtr ImageSurfaceCreateForData(IntPtr data, int format, int width, int height, int stride);

    [LibraryImport(Cairo, EntryPoint = "cairo_surface_status")]
    public static partial int SurfaceStatus(IntPtr surface);

    [LibraryImport(Cairo, EntryPoint = "cairo_surface_flush")]
    public static partial void SurfaceFlush(IntPtr surface);

    [LibraryImport(Cairo, EntryPoint = "cairo_surface_destroy")]
    public static partial void SurfaceDestroy(IntPtr surface);

    [LibraryImport(Cairo, EntryPoint = "cairo_create")]
    public static partial IntPtr Create(IntPtr surface);

    [LibraryImport(Cairo, EntryPoint = "cairo_destroy")]
    public static partial void Destroy(IntPtr cr);

    [LibraryImport(Cairo, EntryPoint = "cairo_set_source_rgba")]
    public static partial void SetSourceRgba(IntPtr cr, double red, double green, double blue, double alpha);

    [LibraryImport(Cairo, EntryPoint = "cairo_rectangle")]
    public static partial void Rectangle(IntPtr cr, double x, double y, double width, double height);

    [LibraryImport(Cairo, EntryPoint = "cairo_fill")]
    public static partial void Fill(IntPtr cr);

    [LibraryImport(Cairo, EntryPoint = "cairo_move_to")]
    public static partial void MoveTo(IntPtr cr, double x, double y);

    [LibraryImport(PangoCairoLib, EntryPoint = "pango_cairo_create_layout")]
    public static partial IntPtr CreateLayout(IntPtr cr);

    [LibraryImport(PangoCairoLib, EntryPoint = "pango_cairo_show_layout")]
    public static partial void ShowLayout(IntPtr cr, IntPtr layout);

    [LibraryImport(Pango, EntryPoint = "pango_font_description_from_string", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr FontDescriptionFromString(string description);

    [LibraryImport(Pango, EntryPoint = "pango_font_description_set_absolute_size")]
    public static partial void FontDescriptionSetAbsoluteSize(IntPtr description, double size);

    [LibraryImport(Pango, EntryPoint = "pango_font_description_free")]
    public static partial void FontDescriptionFree(IntPtr description);

    [LibraryImport(Pango, EntryPoint = "pango_layout_set_font_description")]
    public static partial void LayoutSetFontDescription(IntPtr layout, IntPtr description);

    [LibraryImport(Pango, EntryPoint = "pango_layout_set_text", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void LayoutSetText(IntPtr layout, string text, int length);

    [LibraryImport(Pango, EntryPoint = "pango_layout_get_pixel_size")]
    public static partial void LayoutGetPixelSize(IntPtr layout, out int width, out int height);

    [LibraryImport(Pango, EntryPoint = "pango_layout_get_unknown_glyphs_count")]
    public static partial int LayoutGetUnknownGlyphsCount(IntPtr layout);

    [LibraryImport(GObject, EntryPoint = "g_object_unref")]
    public static partial void ObjectUnref(IntPtr instance);
}
