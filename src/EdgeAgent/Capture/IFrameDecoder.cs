namespace EdgeAgent.Capture;

/// <summary>Turns encoded units back into pixels, only when a photo, a health sample or a scan needs them.</summary>
public interface IFrameDecoder
{
    /// <summary>
    /// Decodes <paramref name="units"/> (a keyframe first, then the units after it in stream order) and returns the
    /// last one's picture as BGR at the camera's configured size.
    /// </summary>
    Task<RawFrame> DecodeLastAsync(IReadOnlyList<EncodedUnit> units, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts decoding <paramref name="units"/> (a keyframe first) ahead of a <see cref="DecodeLastAsync"/> of the same
    /// GOP, so that only the newer units are left then; a decoder that keeps nothing warm does nothing.
    /// </summary>
    Task PrefeedAsync(IReadOnlyList<EncodedUnit> units, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Decodes a lone <paramref name="keyframe"/> (a health sample) to 8-bit grey at most <paramref name="maxWidth"/> wide,
    /// shaped as <see cref="DecodeLastAsync"/>'s picture would be. By default from that picture; a decoder that can read
    /// the luma plane directly makes no colour picture at all.
    /// </summary>
    async Task<GreyPicture> DecodeGreyAsync(EncodedUnit keyframe, int maxWidth, CancellationToken cancellationToken = default) =>
        GreyPicture.Of(await DecodeLastAsync([keyframe], cancellationToken), maxWidth);

    /// <summary>Frees what the decoder keeps warm for a capture (its session and pictures), now that the capture is over.</summary>
    Task FreeAsync() => Task.CompletedTask;
}

/// <summary>A source that yields encoded units (<see cref="RawFrame.Encoded"/>) instead of pixels, and the decoder for them.</summary>
public interface IEncodedFrameSource : IFrameSource
{
    IFrameDecoder Decoder { get; }
}
