namespace EdgeAgent.Capture;

/// <summary>
/// A frame source could not open or keep its camera. <see cref="Permanent"/> marks causes that retrying
/// alone will not fix (missing device, no permission): the reader reports failing at once, but keeps retrying
/// slowly, because a technician may plug the camera in.
/// </summary>
public sealed class FrameSourceException : Exception
{
    public FrameSourceException()
    {
    }

    public FrameSourceException(string message)
        : base(message)
    {
    }

    public FrameSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FrameSourceException(string message, bool permanent)
        : base(message)
    {
        Permanent = permanent;
    }

    public bool Permanent { get; }
}
