namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// The picture size a sequence parameter set declares: H.264 (ITU-T H.264 §7.3.2.1.1, frame cropping applied) and
/// H.265 (§7.3.2.2, conformance window applied). A camera that changes resolution sends a new SPS, so the size of
/// every unit follows the SPS before it.
/// </summary>
internal static class PictureSize
{
    private static readonly int[] HighProfiles = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];

    /// <summary>Width and height from an H.264 SPS NAL unit (header byte included); null when it cannot be read.</summary>
    public static (int Width, int Height)? FromH264Sps(ReadOnlySpan<byte> nal)
    {
        try
        {
            var r = new BitReader(BitReader.Unescape(nal[1..]));
            var profile = (int)r.Bits(8);
            r.Skip(16); // constraint flags, level
            r.Unsigned(); // seq_parameter_set_id
            var chroma = 1u;
            var separatePlanes = false;
            if (HighProfiles.Contains(profile))
            {
                chroma = r.Unsigned();
                if (chroma == 3)
                {
                    separatePlanes = r.Flag();
                }

                r.Unsigned(); // bit_depth_luma_minus8
                r.Unsigned(); // bit_depth_chroma_minus8
                r.Skip(1); // qpprime_y_zero_transform_bypass_flag
                if (r.Flag())
                {
                    for (var i = 0; i < (chroma != 3 ? 8 : 12); i++)
                    {
                        if (r.Flag())
                        {
                            SkipScalingList(ref r, i < 6 ? 16 : 64);
                        }
                    }
                }
            }

            r.Unsigned(); // log2_max_frame_num_minus4
            var pocType = r.Unsigned();
            if (pocType == 0)
            {
                r.Unsigned();
            }
            else if (pocType == 1)
            {
                r.Skip(1);
                r.Signed();
                r.Signed();
                var cycle = r.Unsigned();
                for (var i = 0u; i < cycle; i++)
                {
                    r.Signed();
                }
            }

            r.Unsigned(); // max_num_ref_frames
            r.Skip(1); // gaps_in_frame_num_value_allowed_flag
            var widthMbs = (int)r.Unsigned() + 1;
            var heightMapUnits = (int)r.Unsigned() + 1;
            var frameMbsOnly = r.Flag();
            if (!frameMbsOnly)
            {
                r.Skip(1); // mb_adaptive_frame_field_flag
            }

            r.Skip(1); // direct_8x8_inference_flag
            var width = widthMbs * 16;
            var height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
            if (r.Flag())
            {
                var arrayType = separatePlanes ? 0 : chroma;
                var cropX = arrayType == 0 ? 1 : (arrayType == 3 ? 1 : 2);
                var cropY = (arrayType == 0 ? 1 : (arrayType == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
                var (left, right, top, bottom) = (r.Unsigned(), r.Unsigned(), r.Unsigned(), r.Unsigned());
                width -= cropX * (int)(left + right);
                height -= cropY * (int)(top + bottom);
            }

            return width > 0 && height > 0 ? (width, height) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Width and height from an H.265 SPS NAL unit (2-byte header included); null when it cannot be read.</summary>
    public static (int Width, int Height)? FromH265Sps(ReadOnlySpan<byte> nal)
    {
        try
        {
            var r = new BitReader(BitReader.Unescape(nal[2..]));
            r.Skip(4); // sps_video_parameter_set_id
            var subLayers = (int)r.Bits(3); // sps_max_sub_layers_minus1
            r.Skip(1); // sps_temporal_id_nesting_flag
            r.Skip(88 + 8); // general profile (88 bits) and general_level_idc
            var profilePresent = new bool[subLayers];
            var levelPresent = new bool[subLayers];
            for (var i = 0; i < subLayers; i++)
            {
                profilePresent[i] = r.Flag();
                levelPresent[i] = r.Flag();
            }

            if (subLayers > 0)
            {
                r.Skip(2 * (8 - subLayers));
            }

            for (var i = 0; i < subLayers; i++)
            {
                r.Skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
            }

            r.Unsigned(); // sps_seq_parameter_set_id
            var chroma = r.Unsigned();
            if (chroma == 3)
            {
                r.Skip(1); // separate_colour_plane_flag
            }

            var width = (int)r.Unsigned();
            var height = (int)r.Unsigned();
            if (r.Flag())
            {
                var subWidth = chroma is 1 or 2 ? 2 : 1;
                var subHeight = chroma == 1 ? 2 : 1;
                var (left, right, top, bottom) = (r.Unsigned(), r.Unsigned(), r.Unsigned(), r.Unsigned());
                width -= subWidth * (int)(left + right);
                height -= subHeight * (int)(top + bottom);
            }

            return width > 0 && height > 0 ? (width, height) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void SkipScalingList(ref BitReader r, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size && next != 0; j++)
        {
            next = (last + r.Signed() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }
}
