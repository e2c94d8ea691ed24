using OpenCvSharp;

namespace EdgeAgent.Capture;

/// <summary>Encodes selected frames only; nothing encodes every frame.</summary>
public static class JpegEncoder
{
    /// <summary>
    /// The frame as a JPEG: the camera's own JPEG bytes, unchanged, when the frame was decoded from one (an MJPEG
    /// camera; the evidence hash is then the hash of what the camera sent), otherwise encoded at <paramref name="quality"/>.
    /// </summary>
    public static byte[] Encode(RawFrame frame, int quality)
    {
        if (frame.Encoded is { Codec: EncodedUnit.Jpeg } unit && frame.Pixels.Length > 0 && (unit.Width, unit.Height) == (frame.Width, frame.Height))
        {
            return unit.Data;
        }

        using var mat = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        Cv2.ImEncode(".jpg", mat, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg;
    }

    /// <summary>Decodes a JPEG back to raw BGR pixels (for checks and tests).</summary>
    public static RawFrame Decode(byte[] jpeg)
    {
        using var mat = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (mat.Empty())
        {
            throw new InvalidDataException("not a decodable image");
        }

        var pixels = new byte[mat.Width * mat.Height * 3];
        System.Runtime.InteropServices.Marshal.Copy(mat.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, mat.Width, mat.Height);
    }
}
