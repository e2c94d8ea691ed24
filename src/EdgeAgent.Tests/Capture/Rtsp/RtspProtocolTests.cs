using EdgeAgent.Capture.Rtsp;

namespace EdgeAgent.Tests.Capture.Rtsp;

/// <summary>The text side of RTSP: SDP as cameras write it, and the answers to 401 challenges (expected values from Python's hashlib/base64).</summary>
public sealed class RtspProtocolTests
{
    [Fact]
    public void The_video_medium_of_an_SDP_gives_codec_clock_parameter_sets_and_a_control_resolved_against_Content_Base()
    {
        const string sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=cam\r\na=control:*\r\n"
            + "m=audio 0 RTP/AVP 0\r\na=control:trackID=0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1; profile-level-id=42C016; sprop-parameter-sets=Z0LAFtkAoC/5cBEAAAMAAQAAAwAeDxYuSA==,aMuDyyA=\r\n"
            + "a=control:trackID=1\r\n";

        var track = SessionDescription.Parse(sdp, "rtsp://10.0.0.5/stream1/")!;

        Assert.Equal(("H264", EncodedUnit.H264, 96, 90000), (track.Encoding, track.Codec, track.PayloadType, track.ClockRate));
        Assert.Equal("rtsp://10.0.0.5/stream1/trackID=1", track.Control);
        Assert.Equal(["6742c016d900a02ff970110000030001000003001e0f162e48", "68cb83cb20"], track.ParameterSets.Select(Convert.ToHexStringLower));
    }

    [Theory]
    [InlineData("rtsp://10.0.0.5/s", "rtsp://10.0.0.5/s/track1", "track1")]
    [InlineData("rtsp://10.0.0.5/s/", "rtsp://10.0.0.5/s/track1", "track1")]
    [InlineData("rtsp://10.0.0.5/s", "rtsp://10.0.0.5/s", "*")]
    [InlineData("rtsp://10.0.0.5/s", "rtsp://10.0.0.9/other", "rtsp://10.0.0.9/other")]
    public void A_control_attribute_resolves_against_the_base(string baseUrl, string expected, string control)
    {
        Assert.Equal(expected, SessionDescription.Resolve(baseUrl, control));
    }

    [Fact]
    public void An_H265_SDP_with_sprop_vps_sps_pps_and_an_MJPEG_one_with_its_static_payload_type()
    {
        var h265 = SessionDescription.Parse("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H265/90000\na=fmtp:96 sprop-vps=QAEMAf//; sprop-sps=QgEB; sprop-pps=RAHB\na=control:stream=0\n", "rtsp://h/s")!;
        var mjpeg = SessionDescription.Parse("v=0\nm=video 0 RTP/AVP 26\na=control:stream=0\n", "rtsp://h/s")!;

        Assert.Equal((EncodedUnit.H265, 3), (h265.Codec, h265.ParameterSets.Count));
        Assert.Equal(("JPEG", (string?)null), (mjpeg.Encoding, mjpeg.Codec));
        Assert.Null(SessionDescription.Parse("v=0\nm=audio 0 RTP/AVP 0\n", "rtsp://h/s"));
    }

    [Fact]
    public void A_Digest_challenge_is_answered_with_the_RFC_2617_response()
    {
        var authenticator = RtspAuthenticator.FromUrl(new Uri("rtsp://Mufasa:Circle%20Of%20Life@10.0.0.5/stream1"))!;

        Assert.Null(authenticator.Header("DESCRIBE", "rtsp://10.0.0.5/stream1")); // nothing before a challenge
        Assert.True(authenticator.Accept(["Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""]));
        var header = authenticator.Header("DESCRIBE", "rtsp://10.0.0.5/stream1")!;

        var fields = RtspAuthenticator.Fields(header["Digest".Length..]);
        Assert.Equal("e7b4e0d8eaf1f306acf732b7102726bc", fields["response"]);
        Assert.Equal(("Mufasa", "5ccc069c403ebaf9f0171e9517f40e41"), (fields["username"], fields["opaque"]));
        Assert.DoesNotContain("Circle", header, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Basic_only_challenge_is_answered_with_Basic()
    {
        var authenticator = RtspAuthenticator.FromUrl(new Uri("rtsp://Mufasa:Circle%20Of%20Life@10.0.0.5/stream1"))!;

        Assert.True(authenticator.Accept(["Basic realm=\"cam\""]));

        Assert.Equal("Basic TXVmYXNhOkNpcmNsZSBPZiBMaWZl", authenticator.Header("PLAY", "rtsp://10.0.0.5/stream1"));
    }
}
