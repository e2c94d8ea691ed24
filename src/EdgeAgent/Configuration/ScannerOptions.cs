using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>A barcode/QR scanner at a point: a USB HID keyboard (evdev) or a serial device.</summary>
public sealed class ScannerOptions
{
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.AnnotationMessage)]
    public string Id { get; set; } = "";

    /// <summary>The point whose procedure receives the scans.</summary>
    [Required]
    public string Point { get; set; } = "";

    /// <summary><c>evdev</c> (USB HID keyboard scanner), <c>serial</c>, or <c>camera-qr</c> (QR codes seen by a camera).</summary>
    [AllowedValues("evdev", "serial", "camera-qr", ErrorMessage = "{0} must be \"evdev\", \"serial\" or \"camera-qr\"")]
    public string Kind { get; set; } = "evdev";

    /// <summary>evdev and serial: device path, e.g. <c>/dev/input/by-id/usb-Honeywell_Scanner-event-kbd</c> or <c>/dev/ttyUSB0</c>.</summary>
    public string Path { get; set; } = "";

    /// <summary>camera-qr only: the id of the camera (from <c>Cameras</c>) whose frames are searched for QR codes.</summary>
    public string? Camera { get; set; }

    /// <summary>camera-qr only: how often the newest frame is decoded.</summary>
    [Range(20, 60000)]
    public int ScanIntervalMs { get; set; } = 500;

    /// <summary>camera-qr only: the same code is reported again only after this long.</summary>
    [Range(0, 3600000)]
    public int RepeatHoldMs { get; set; } = 5000;

    /// <summary>Serial only.</summary>
    [Range(300, 4000000)]
    public int BaudRate { get; set; } = 9600;

    /// <summary>Serial only: what ends a line, <c>cr</c>, <c>lf</c> or <c>crlf</c>.</summary>
    [AllowedValues("cr", "lf", "crlf", ErrorMessage = "{0} must be \"cr\", \"lf\" or \"crlf\"")]
    public string Terminator { get; set; } = "cr";

    /// <summary>evdev only: take the device exclusively (EVIOCGRAB) so scans do not also type into a console.</summary>
    public bool Grab { get; set; } = true;

    /// <summary>Wait between attempts to reopen a device that is missing or was unplugged.</summary>
    [Range(10, 600000)]
    public int ReconnectMs { get; set; } = 2000;
}
