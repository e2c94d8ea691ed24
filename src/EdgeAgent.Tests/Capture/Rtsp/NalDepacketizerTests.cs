using System.Buffers.Binary;
using EdgeAgent.Capture.Rtsp;

namespace EdgeAgent.Tests.Capture.Rtsp;

/// <summary>
/// RTP payloads built by hand (RFC 6184, RFC 7798) put back into Annex-B access units. The parameter sets are real
/// ones, taken from x264/x265 encoding a picture of known size (the ground truth for the size read from the SPS).
/// </summary>
public sealed class NalDepacketizerTests
{
    // x264 -profile high, 1920x1080 (coded 1088, cropped), and x264 -profile baseline 640x360 (coded 368, cropped).
    private static readonly byte[] Sps1080 = Convert.FromHexString("67640028acd940780227e5c044000003000400000300783c60c658");
    private static readonly byte[] Pps1080 = Convert.FromHexString("68ebe3cb22c0");
    private static readonly byte[] Sps360 = Convert.FromHexString("6742c016d900a02ff970110000030001000003001e0f162e48");
    private static readonly byte[] Pps360 = Convert.FromHexString("68cb83cb20");

    // x265, 1920x1080 (conformance window over 1088).
    private static readonly byte[] Vps265 = Convert.FromHexString("40010c01ffff016000000300900000030000030078959809");
    private static readonly byte[] Sps265 = Convert.FromHexString("420101016000000300900000030000030078a003c08010e596566924caf0168080000003008000000784");
    private static readonly byte[] Pps265 = Convert.FromHexString("4401c172b46240");

    private static readonly byte[] Idr = [0x65, .. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7))];
    private static readonly byte[] Delta = [0x41, .. Enumerable.Range(0, 900).Select(i => (byte)(i * 3))];

    [Fact]
    public void An_IDR_in_FU_A_fragments_after_a_STAP_A_of_its_parameter_sets_is_one_keyframe_unit_with_the_SPS_size()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H264);
        var units = new List<AccessUnit>();

        Push(depacketizer, units, 1, 9000, false, StapA(Sps1080, Pps1080));
        foreach (var (fragment, i) in FuA(Idr, 1200).Select((f, i) => (f, i)))
        {
            Push(depacketizer, units, (ushort)(2 + i), 9000, i == 2, fragment);
        }

        var unit = Assert.Single(units);
        Assert.True(unit.Keyframe);
        Assert.Equal(AnnexB(Sps1080, Pps1080, Idr), unit.Data);
        Assert.Equal((1920, 1080, 9000u), (unit.Width, unit.Height, unit.RtpTimestamp));
    }

    [Fact]
    public void A_keyframe_sent_without_parameter_sets_gets_the_SDPs_in_front_of_its_slice_and_a_delta_does_not()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H264);
        depacketizer.AddParameterSet(Sps360);
        depacketizer.AddParameterSet(Pps360);
        var units = new List<AccessUnit>();

        Push(depacketizer, units, 7, 100, false, [0x09, 0xF0]); // access unit delimiter
        Push(depacketizer, units, 8, 100, true, Idr);
        Push(depacketizer, units, 9, 6100, true, Delta);

        Assert.Equal(2, units.Count);
        Assert.Equal(AnnexB([0x09, 0xF0], Sps360, Pps360, Idr), units[0].Data);
        Assert.Equal((640, 360), (units[0].Width, units[0].Height));
        Assert.Equal(AnnexB(Delta), units[1].Data);
        Assert.False(units[1].Keyframe);
    }

    [Fact]
    public void A_new_RTP_timestamp_ends_a_unit_whose_marker_never_came()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H264);
        var units = new List<AccessUnit>();

        Push(depacketizer, units, 1, 100, false, Delta);
        Push(depacketizer, units, 2, 100, false, Delta);
        Assert.Empty(units);
        Push(depacketizer, units, 3, 6100, false, Delta);

        var unit = Assert.Single(units);
        Assert.Equal(AnnexB(Delta, Delta), unit.Data);
        Assert.Equal(100u, unit.RtpTimestamp);
    }

    [Fact]
    public void A_lost_fragment_drops_its_unit_and_every_unit_until_the_next_keyframe()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H264);
        var units = new List<AccessUnit>();
        ushort seq = 1;
        Push(depacketizer, units, seq++, 0, true, StapA(Sps1080, Pps1080, Idr)); // a whole keyframe
        var fragments = FuA(Delta, 300);
        Push(depacketizer, units, seq++, 6000, false, fragments[0]);
        seq++; // fragments[1] lost
        Push(depacketizer, units, seq++, 6000, true, fragments[2]);
        Push(depacketizer, units, seq++, 12000, true, Delta); // whole, but it refers to the broken picture
        Push(depacketizer, units, seq++, 18000, false, StapA(Sps1080, Pps1080));
        Push(depacketizer, units, seq++, 18000, true, Idr);
        Push(depacketizer, units, seq, 24000, true, Delta);

        Assert.Equal([0u, 18000u, 24000u], units.Select(u => u.RtpTimestamp));
        Assert.Equal([true, true, false], units.Select(u => u.Keyframe));
        Assert.Equal(AnnexB(Sps1080, Pps1080, Idr), units[1].Data);
        Assert.Equal((1L, 2L), (depacketizer.LostPackets, depacketizer.DroppedUnits));
    }

    [Fact]
    public void A_fragment_without_its_start_is_never_handed_on_even_with_no_sequence_gap()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H264);
        var units = new List<AccessUnit>();
        var fragments = FuA(Idr, 1200);

        Push(depacketizer, units, 50, 0, false, fragments[1]); // joined mid-picture: the start went before we came
        Push(depacketizer, units, 51, 0, true, fragments[2]);
        Push(depacketizer, units, 52, 6000, true, Delta);

        var unit = Assert.Single(units); // the broken first picture dropped; the stream goes on (the ring waits for a keyframe)
        Assert.Equal(6000u, unit.RtpTimestamp);
    }

    [Fact]
    public void An_H265_IDR_in_FU_fragments_after_an_AP_of_VPS_SPS_PPS_is_a_keyframe_of_the_SPS_size()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H265);
        var units = new List<AccessUnit>();
        byte[] idr = [19 << 1, 0x01, .. Enumerable.Range(0, 2500).Select(i => (byte)(i * 5))]; // IDR_W_RADL
        byte[] trail = [1 << 1, 0x01, .. Enumerable.Range(0, 500).Select(i => (byte)i)]; // TRAIL_R

        Push(depacketizer, units, 1, 0, false, [48 << 1, 0x01, .. Sized(Vps265), .. Sized(Sps265), .. Sized(Pps265)]);
        var fragments = Fu265(idr, 1000);
        for (var i = 0; i < fragments.Count; i++)
        {
            Push(depacketizer, units, (ushort)(2 + i), 0, i == fragments.Count - 1, fragments[i]);
        }

        Push(depacketizer, units, (ushort)(2 + fragments.Count), 6000, true, trail);

        Assert.Equal(2, units.Count);
        Assert.True(units[0].Keyframe);
        Assert.Equal(AnnexB(Vps265, Sps265, Pps265, idr), units[0].Data);
        Assert.Equal((1920, 1080), (units[0].Width, units[0].Height));
        Assert.False(units[1].Keyframe);
        Assert.Equal(AnnexB(trail), units[1].Data);
    }

    [Fact]
    public void A_sequence_number_wrap_is_not_a_loss()
    {
        var depacketizer = new NalDepacketizer(EncodedUnit.H264);
        var units = new List<AccessUnit>();

        Push(depacketizer, units, ushort.MaxValue, 0, true, StapA(Sps1080, Pps1080, Idr));
        Push(depacketizer, units, 0, 6000, true, Delta);

        Assert.Equal(2, units.Count);
        Assert.Equal(0, depacketizer.LostPackets);
    }

    private static void Push(NalDepacketizer depacketizer, List<AccessUnit> units, ushort sequence, uint timestamp, bool marker, byte[] payload)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | 96);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x1234);
        payload.CopyTo(packet, 12);
        Assert.True(RtpHeader.TryParse(packet, out var header));
        depacketizer.Push(header, packet.AsSpan(header.PayloadOffset, header.PayloadLength), units);
    }

    private static byte[] AnnexB(params byte[][] nals) => [.. nals.SelectMany(n => new byte[] { 0, 0, 0, 1 }.Concat(n))];

    private static byte[] Sized(byte[] nal) => [(byte)(nal.Length >> 8), (byte)nal.Length, .. nal];

    private static byte[] StapA(params byte[][] nals) => [24, .. nals.SelectMany(Sized)];

    /// <summary>FU-A (RFC 6184 §5.8): indicator (F, NRI, type 28), header (S, E, type), then the NAL's bytes after its header.</summary>
    private static List<byte[]> FuA(byte[] nal, int size)
    {
        var body = nal[1..].Chunk(size).ToList();
        return [.. body.Select((chunk, i) => new byte[] { (byte)((nal[0] & 0xE0) | 28), (byte)((i == 0 ? 0x80 : 0) | (i == body.Count - 1 ? 0x40 : 0) | (nal[0] & 0x1F)) }.Concat(chunk).ToArray())];
    }

    /// <summary>H.265 FU (RFC 7798 §4.4.3): payload header with type 49, FU header (S, E, type), the NAL's bytes after its 2-byte header.</summary>
    private static List<byte[]> Fu265(byte[] nal, int size)
    {
        var body = nal[2..].Chunk(size).ToList();
        return [.. body.Select((chunk, i) => new byte[] { (byte)((nal[0] & 0x81) | (49 << 1)), nal[1], (byte)((i == 0 ? 0x80 : 0) | (i == body.Count - 1 ? 0x40 : 0) | ((nal[0] >> 1) & 0x3F)) }.Concat(chunk).ToArray())];
    }
}
