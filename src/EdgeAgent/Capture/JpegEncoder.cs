using OpenCvSharp;

namespace EdgeAgent.Capture;

/// <summary>Encodes selected frames only; nothing encodes every frame.</summary>
public static class JpegEncoder
{
    public static byte[] Encode(RawFrame frame, int quality)
    {
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
