namespace EdgeAgent.Capture;

public enum CameraState
{
    Starting,
    Connected,
    Reconnecting,
    Failing,
}
