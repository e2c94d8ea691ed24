#!/usr/bin/python3
"""EdgeAgent's clip muxer: remuxes encoded access units (H.264/H.265 Annex-B, first one a keyframe) read from stdin into
an MP4 file (faststart: the index first, so a browser plays it while loading). Nothing is decoded or re-encoded:
appsrc ! h264parse/h265parse ! mp4mux faststart=true ! filesink.

Unit on stdin: 16-byte little-endian header, then `size` bytes: pts int64 (ns from the clip's start), flags int32
(bit 0: keyframe), size int32. End of stdin ends the clip. Exit 0 once the file is complete; 1 on a muxing error with
one line on stderr; 2 when GStreamer lacks an element.
Usage: gst_clip_muxer.py --codec h264|h265 --out clip.mp4
"""
import argparse
import os
import struct
import sys

try:
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
except (ImportError, ValueError) as missing:
    sys.stderr.write(f"python3-gi with GStreamer 1.0 is not installed: {missing}\n")
    sys.exit(2)

HEADER = struct.Struct("<qii")


def read_exactly(stream, n):
    data = bytearray()
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--codec", choices=["h264", "h265"], required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    Gst.init(None)
    parser = "h264parse" if args.codec == "h264" else "h265parse"
    if any(Gst.ElementFactory.find(e) is None for e in ("appsrc", parser, "mp4mux", "filesink")):
        sys.stderr.write(f"GStreamer elements missing: appsrc, {parser}, mp4mux (install gstreamer1.0-plugins-good/-bad)\n")
        return 2

    caps = f"video/x-{args.codec},stream-format=byte-stream,alignment=au"
    pipeline = Gst.parse_launch(
        f"appsrc name=src format=time caps={caps} ! {parser} ! mp4mux faststart=true name=mux ! filesink name=sink")
    pipeline.get_by_name("sink").set_property("location", args.out)
    pipeline.get_by_name("mux").set_property("faststart-file", args.out + ".moov")
    src = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)

    stdin = sys.stdin.buffer
    pending = None  # one unit held back, to give it its duration from the next one's pts
    last_duration = Gst.CLOCK_TIME_NONE
    while True:
        head = read_exactly(stdin, HEADER.size)
        unit = None
        if head is not None:
            pts, flags, size = HEADER.unpack(head)
            data = read_exactly(stdin, size)
            if data is None:
                sys.stderr.write("truncated unit on stdin\n")
                return 1
            unit = (pts, flags, data)
        if pending is not None:
            pts0, flags0, data0 = pending
            buf = Gst.Buffer.new_wrapped(data0)
            buf.pts = buf.dts = pts0
            buf.duration = (unit[0] - pts0) if unit is not None and unit[0] > pts0 else last_duration
            last_duration = buf.duration
            if not flags0 & 1:
                buf.set_flags(Gst.BufferFlags.DELTA_UNIT)
            if src.emit("push-buffer", buf) != Gst.FlowReturn.OK:
                break
        pending = unit
        if unit is None:
            break

    src.emit("end-of-stream")
    message = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message is None:
        sys.stderr.write("the muxer did not finish within 60 s\n")
        return 1
    if message.type == Gst.MessageType.ERROR:
        err, _ = message.parse_error()
        sys.stderr.write(f"{message.src.get_name()}: {err.message}\n")
        return 1
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
