namespace EdgeAgent.Capture;

/// <summary>A photo of a capture with its JPEG (the camera's own JPEG bytes, or encoded at the camera's quality).</summary>
public sealed record EncodedShot(CapturedFrame Shot, byte[] Jpeg);
