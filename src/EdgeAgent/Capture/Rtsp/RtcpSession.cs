using System.Buffers.Binary;
using System.Text;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// The RTCP side of one RTP stream (RFC 3550 §6): the camera's sender reports map an RTP timestamp to the camera's NTP
/// time, so each unit is dated by the camera's own clock as NTP(SR) + (rtp − rtp(SR)) / clock rate (the 32-bit
/// difference taken signed, so the timestamp's wrap does not matter). Before the first sender report there is no
/// camera time, as with GStreamer's rtspsrc (the reader then dates by arrival). It also writes the receiver reports
/// (loss, jitter, last SR) that some cameras need to keep sending.
/// </summary>
internal sealed class RtcpSession(int clockRate, TimeProvider timeProvider)
{
    private const long NtpUnixOffsetSeconds = 2208988800;
    private static readonly byte[] Cname = Encoding.ASCII.GetBytes("edgeagent");
    private readonly uint ownSsrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
    private uint? sourceSsrc;
    private ulong srNtp;
    private uint srRtp;
    private long srArrived;
    private bool haveSr;
    private uint baseSequence;
    private uint highestSequence; // extended: cycles in the high 16 bits
    private long received;
    private long expectedAtLastReport;
    private long receivedAtLastReport;
    private double jitter;
    private long lastTransit;
    private bool any;

    /// <summary>Sender reports taken so far.</summary>
    public long SenderReports { get; private set; }

    public bool HasSenderReport => haveSr;

    /// <summary>Counts an RTP packet for the next receiver report (sequence, loss and jitter).</summary>
    public void OnRtp(in RtpHeader header)
    {
        var arrival = (long)(timeProvider.GetTimestamp() * (double)clockRate / timeProvider.TimestampFrequency);
        var transit = arrival - header.Timestamp;
        if (!any)
        {
            any = true;
            sourceSsrc = header.Ssrc;
            baseSequence = highestSequence = header.Sequence;
        }
        else
        {
            var d = Math.Abs(transit - lastTransit);
            jitter += (d - jitter) / 16;
            var low = (ushort)highestSequence;
            var delta = (ushort)(header.Sequence - low);
            if (delta < 0x8000)
            {
                highestSequence += delta; // forward, wrapping into the next cycle when needed
            }
        }

        lastTransit = transit;
        received++;
    }

    /// <summary>Takes a compound RTCP packet from the camera; remembers its sender report for <see cref="CameraTime"/>.</summary>
    public void OnRtcp(ReadOnlySpan<byte> compound)
    {
        var offset = 0;
        while (offset + 8 <= compound.Length)
        {
            var packet = compound[offset..];
            var words = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
            if (packet[0] >> 6 != 2)
            {
                return;
            }

            if (packet[1] == 200 && packet.Length >= 20)
            {
                var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
                if (sourceSsrc is null || sourceSsrc == ssrc)
                {
                    srNtp = BinaryPrimitives.ReadUInt64BigEndian(packet[8..]);
                    srRtp = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
                    srArrived = timeProvider.GetTimestamp();
                    haveSr = true;
                    SenderReports++;
                }
            }

            offset += (words + 1) * 4;
        }
    }

    /// <summary>When the camera captured the picture with RTP time <paramref name="rtpTimestamp"/>, by its clock; null before a sender report.</summary>
    public DateTimeOffset? CameraTime(uint rtpTimestamp)
    {
        if (!haveSr)
        {
            return null;
        }

        var seconds = (long)(srNtp >> 32) - NtpUnixOffsetSeconds;
        var fractionTicks = (long)(((srNtp & 0xFFFFFFFF) * TimeSpan.TicksPerSecond) >> 32);
        var since = (int)(rtpTimestamp - srRtp); // signed: a unit just before the report, and the wrap, come out right
        var sinceTicks = since * TimeSpan.TicksPerSecond / clockRate;
        return DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + fractionTicks + sinceTicks);
    }

    /// <summary>A compound RTCP packet: a receiver report about the camera's stream and an SDES CNAME (RFC 3550 §6.1).</summary>
    public byte[] ReceiverReport()
    {
        var hasBlock = sourceSsrc is not null;
        var cnameChunk = (4 + 2 + Cname.Length + 4) & ~3; // SSRC, CNAME item, at least one null, padded to 32 bits
        var rrLength = 8 + (hasBlock ? 24 : 0);
        var packet = new byte[rrLength + 4 + cnameChunk];
        var span = packet.AsSpan();
        span[0] = (byte)(0x80 | (hasBlock ? 1 : 0));
        span[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)((rrLength / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], ownSsrc);
        if (hasBlock)
        {
            var block = span[8..];
            var expected = (long)highestSequence - baseSequence + 1;
            var lost = Math.Clamp(expected - received, -0x800000, 0x7FFFFF);
            var expectedInterval = expected - expectedAtLastReport;
            var lostInterval = expectedInterval - (received - receivedAtLastReport);
            (expectedAtLastReport, receivedAtLastReport) = (expected, received);
            var fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int)(lostInterval * 256 / expectedInterval);
            BinaryPrimitives.WriteUInt32BigEndian(block, sourceSsrc!.Value);
            BinaryPrimitives.WriteUInt32BigEndian(block[4..], ((uint)Math.Min(fraction, 255) << 24) | ((uint)lost & 0xFFFFFF));
            BinaryPrimitives.WriteUInt32BigEndian(block[8..], highestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(block[12..], (uint)jitter);
            if (haveSr)
            {
                BinaryPrimitives.WriteUInt32BigEndian(block[16..], (uint)(srNtp >> 16));
                var delay = timeProvider.GetElapsedTime(srArrived).TotalSeconds * 65536;
                BinaryPrimitives.WriteUInt32BigEndian(block[20..], (uint)Math.Min(delay, uint.MaxValue));
            }
        }

        var sdes = span[rrLength..];
        sdes[0] = 0x81;
        sdes[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(sdes[2..], (ushort)(cnameChunk / 4));
        BinaryPrimitives.WriteUInt32BigEndian(sdes[4..], ownSsrc);
        sdes[8] = 1; // CNAME
        sdes[9] = (byte)Cname.Length;
        Cname.CopyTo(sdes[10..]);
        return packet;
    }
}
