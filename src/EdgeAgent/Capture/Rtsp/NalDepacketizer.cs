using System.Buffers.Binary;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// Puts H.264 (RFC 6184: single NAL, STAP-A, FU-A) or H.265 (RFC 7798: single NAL, AP, FU; no DONL) RTP payloads back
/// into Annex-B access units. A unit ends at the marker bit or when the RTP timestamp changes. Every keyframe unit
/// carries its parameter sets in band: the last SPS/PPS (and VPS) seen, in band or from the SDP, go in front of its
/// first slice when the camera did not send them with it. A gap in the sequence numbers or a broken fragment drops
/// the unit it hit and every unit after it until the next keyframe: a unit is handed on whole or not at all.
/// </summary>
internal sealed class NalDepacketizer
{
    private static readonly byte[] StartCode = [0, 0, 0, 1];
    private readonly bool h265;
    private readonly List<(int Start, int Length)> nals = [];
    private readonly byte[]?[] parameterSets = new byte[]?[3]; // VPS, SPS, PPS
    private byte[] buffer = new byte[256 * 1024];
    private int length;
    private bool hasTimestamp;
    private uint timestamp;
    private bool broken;
    private int fragmentStart = -1;
    private ushort? lastSequence;
    private bool leading = true;
    private bool awaitingKeyframe;

    public NalDepacketizer(string codec)
    {
        if (codec is not (EncodedUnit.H264 or EncodedUnit.H265))
        {
            throw new ArgumentException($"no depacketizer for '{codec}'", nameof(codec));
        }

        Codec = codec;
        h265 = codec == EncodedUnit.H265;
    }

    public string Codec { get; }

    /// <summary>Picture size from the last SPS (0 before one was seen).</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Units dropped because a packet was lost or broken, or because they followed such a loss before a keyframe.</summary>
    public long DroppedUnits { get; private set; }

    /// <summary>Packets missing by their sequence numbers.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Takes parameter sets given out of band (the SDP's sprop-parameter-sets or sprop-vps/sps/pps).</summary>
    public void AddParameterSet(ReadOnlySpan<byte> nal)
    {
        if (!nal.IsEmpty)
        {
            Remember(nal);
        }
    }

    /// <summary>Adds one RTP packet; appends to <paramref name="completed"/> the units it finished (at most two).</summary>
    public void Push(in RtpHeader header, ReadOnlySpan<byte> payload, List<AccessUnit> completed)
    {
        var gap = lastSequence is { } last && header.Sequence != (ushort)(last + 1);
        if (gap)
        {
            LostPackets += (ushort)(header.Sequence - lastSequence!.Value - 1);
            leading = false;
            awaitingKeyframe = true;
            broken |= nals.Count > 0 || fragmentStart >= 0; // the unit being built may have lost its tail
        }

        lastSequence = header.Sequence;
        if (hasTimestamp && header.Timestamp != timestamp)
        {
            Finish(completed);
        }

        if (gap)
        {
            broken = true; // and this packet's unit its head
        }

        hasTimestamp = true;
        timestamp = header.Timestamp;
        if (!broken)
        {
            Depacketize(payload);
        }

        if (header.Marker)
        {
            Finish(completed);
        }
    }

    private void Depacketize(ReadOnlySpan<byte> p)
    {
        if (p.Length < (h265 ? 2 : 1))
        {
            broken = true;
            return;
        }

        var type = h265 ? (p[0] >> 1) & 0x3F : p[0] & 0x1F;
        var aggregate = h265 ? type == 48 : type == 24;
        var fragment = h265 ? type == 49 : type == 28;
        if (fragmentStart >= 0 && !fragment)
        {
            broken = true; // a fragmented NAL unit never got its end
            return;
        }

        if (aggregate)
        {
            for (var offset = h265 ? 2 : 1; offset < p.Length;)
            {
                var size = offset + 2 <= p.Length ? BinaryPrimitives.ReadUInt16BigEndian(p[offset..]) : 0;
                if (size == 0 || offset + 2 + size > p.Length)
                {
                    broken = true;
                    return;
                }

                AddNal(p.Slice(offset + 2, size));
                offset += 2 + size;
            }
        }
        else if (fragment)
        {
            var headerBytes = h265 ? 3 : 2;
            if (p.Length <= headerBytes)
            {
                broken = true;
                return;
            }

            var fu = p[headerBytes - 1];
            var (start, end) = ((fu & 0x80) != 0, (fu & 0x40) != 0);
            if (start == (fragmentStart >= 0))
            {
                broken = true; // a start inside a fragment, or a middle/end without its start
                return;
            }

            if (start)
            {
                fragmentStart = length;
                if (h265)
                {
                    Append([(byte)((p[0] & 0x81) | ((fu & 0x3F) << 1)), p[1]]);
                }
                else
                {
                    Append([(byte)((p[0] & 0xE0) | (fu & 0x1F))]);
                }
            }

            Append(p[headerBytes..]);
            if (end)
            {
                nals.Add((fragmentStart, length - fragmentStart));
                fragmentStart = -1;
            }
        }
        else if (h265 ? type < 48 : type is >= 1 and <= 23)
        {
            AddNal(p);
        }
        else
        {
            broken = true; // STAP-B, MTAP, FU-B, PACI: not sent by cameras in non-interleaved mode
        }
    }

    private void Finish(List<AccessUnit> completed)
    {
        if (fragmentStart >= 0)
        {
            broken = true;
        }

        var any = nals.Count > 0 || broken;
        var keyframe = false;
        var firstVcl = -1;
        if (!broken)
        {
            for (var i = 0; i < nals.Count; i++)
            {
                var nal = buffer.AsSpan(nals[i].Start, nals[i].Length);
                var type = NalType(nal);
                if (ParameterSetIndex(type) >= 0)
                {
                    Remember(nal);
                }
                else if (IsVcl(type))
                {
                    firstVcl = firstVcl < 0 ? i : firstVcl;
                    keyframe |= h265 ? type is >= 16 and <= 23 : type == 5;
                }
            }
        }

        if (broken && !leading)
        {
            awaitingKeyframe = true;
        }

        if (any)
        {
            leading = false;
        }

        if (broken || (awaitingKeyframe && !keyframe))
        {
            DroppedUnits += any ? 1 : 0;
        }
        else if (firstVcl >= 0)
        {
            awaitingKeyframe = false;
            completed.Add(new AccessUnit(Assemble(keyframe, firstVcl), keyframe, timestamp, Width, Height));
        }

        nals.Clear();
        length = 0;
        broken = false;
        fragmentStart = -1;
    }

    private byte[] Assemble(bool keyframe, int firstVcl)
    {
        var present = new bool[3];
        foreach (var (start, count) in nals)
        {
            var index = ParameterSetIndex(NalType(buffer.AsSpan(start, count)));
            if (index >= 0)
            {
                present[index] = true;
            }
        }

        var insert = new List<byte[]>(3);
        if (keyframe)
        {
            for (var i = h265 ? 0 : 1; i < 3; i++)
            {
                if (!present[i] && parameterSets[i] is { } set)
                {
                    insert.Add(set);
                }
            }
        }

        var size = insert.Sum(s => StartCode.Length + s.Length) + nals.Sum(n => StartCode.Length + n.Length);
        var data = GC.AllocateUninitializedArray<byte>(size);
        var at = 0;
        for (var i = 0; i < nals.Count; i++)
        {
            if (i == firstVcl)
            {
                foreach (var set in insert)
                {
                    at = Write(data, at, set);
                }
            }

            at = Write(data, at, buffer.AsSpan(nals[i].Start, nals[i].Length));
        }

        return data;
    }

    private static int Write(byte[] data, int at, ReadOnlySpan<byte> nal)
    {
        StartCode.CopyTo(data, at);
        nal.CopyTo(data.AsSpan(at + StartCode.Length));
        return at + StartCode.Length + nal.Length;
    }

    private void AddNal(ReadOnlySpan<byte> nal)
    {
        nals.Add((length, nal.Length));
        Append(nal);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            if (length + bytes.Length > GstreamerPacketSource.MaxUnitBytes)
            {
                throw new FrameSourceException($"an access unit grew past {GstreamerPacketSource.MaxUnitBytes} bytes: the stream is out of step");
            }

            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes.Length));
        }

        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    private void Remember(ReadOnlySpan<byte> nal)
    {
        var index = ParameterSetIndex(NalType(nal));
        if (index < 0 || (parameterSets[index] is { } known && nal.SequenceEqual(known)))
        {
            return;
        }

        parameterSets[index] = nal.ToArray();
        if (index == 1 && (h265 ? PictureSize.FromH265Sps(nal) : PictureSize.FromH264Sps(nal)) is var (width, height))
        {
            (Width, Height) = (width, height);
        }
    }

    private int NalType(ReadOnlySpan<byte> nal) => nal.IsEmpty ? -1 : h265 ? (nal[0] >> 1) & 0x3F : nal[0] & 0x1F;

    private bool IsVcl(int type) => h265 ? type is >= 0 and < 32 : type is >= 1 and <= 5;

    /// <summary>0 VPS, 1 SPS, 2 PPS, -1 anything else.</summary>
    private int ParameterSetIndex(int type) => h265
        ? type switch { 32 => 0, 33 => 1, 34 => 2, _ => -1 }
        : type switch { 7 => 1, 8 => 2, _ => -1 };
}
