namespace EdgeAgent.Capture.Rtsp;

/// <summary>One whole picture as the depacketizer put it together: Annex-B bytes, its RTP timestamp and the SPS's size.</summary>
internal sealed record AccessUnit(byte[] Data, bool Keyframe, uint RtpTimestamp, int Width, int Height);
