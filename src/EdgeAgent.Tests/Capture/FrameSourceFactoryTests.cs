using EdgeAgent.Capture.Rtsp;

namespace EdgeAgent.Tests.Capture;

public sealed class FrameSourceFactoryTests
{
    [Theory]
    [InlineData("rtsp://10.0.0.5/stream1", "auto", "raw", typeof(FallbackFrameSource), "gstreamer")]
    [InlineData("rtsp://10.0.0.5/stream1", "gstreamer", "raw", typeof(GstreamerFrameSource), "gstreamer")]
    [InlineData("rtsp://10.0.0.5/stream1", "auto", "auto", typeof(RtspPacketSource), "rtsp")]
    [InlineData("rtsp://10.0.0.5/stream1", "managed", "auto", typeof(RtspPacketSource), "rtsp")]
    [InlineData("rtsp://10.0.0.5/stream1", "gstreamer", "auto", typeof(GstreamerPacketSource), "gstreamer")]
    [InlineData("rtsp://10.0.0.5/stream1", "ffmpeg", "auto", typeof(FfmpegFrameSource), "ffmpeg")]
    [InlineData("http://10.0.0.5/cam.mjpg", "auto", "auto", typeof(FfmpegFrameSource), "ffmpeg")]
    [InlineData("/var/lib/edgeagent/clip.mkv", "auto", "auto", typeof(FfmpegFrameSource), "ffmpeg")]
    public void Backend_picks_the_managed_client_or_gstreamer_for_rtsp_and_ffmpeg_otherwise(string url, string backend, string ring, Type expected, string describedAs)
    {
        var factory = new FrameSourceFactory(TimeProvider.System, NullLoggerFactory.Instance);

        var source = factory.Create(new CameraOptions { Id = "cam-1", Kind = "ffmpeg", Url = url, Backend = backend, Ring = ring });

        Assert.IsType(expected, source);
        Assert.StartsWith(describedAs, source.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void UDP_transport_keeps_the_GStreamer_packet_reader_for_the_compressed_ring()
    {
        var factory = new FrameSourceFactory(TimeProvider.System, NullLoggerFactory.Instance);

        var source = factory.Create(new CameraOptions { Id = "cam-1", Kind = "ffmpeg", Url = "rtsp://10.0.0.5/stream1", Transport = "udp" });

        Assert.IsType<GstreamerPacketSource>(source);
    }

    [Fact]
    public void The_gstreamer_reader_ships_next_to_the_agent()
    {
        Assert.True(new GstreamerSourceSettings("rtsp://10.0.0.5/stream1", 64, 48).Installed, GstreamerSourceSettings.DefaultHelperPath);
        Assert.True(File.Exists(GstreamerPacketSource.DefaultHelperPath), GstreamerPacketSource.DefaultHelperPath);
        Assert.True(File.Exists(new EdgeAgent.Capture.Clips.Mp4Remuxer("/tmp").HelperPath), "gst_clip_muxer.py");
    }
}
