#!/usr/bin/python3
"""EdgeAgent's GStreamer packet reader: reads an RTSP stream WITHOUT decoding it and writes each encoded access unit
(H.264/H.265 Annex-B with in-band parameter sets at every keyframe, or one JPEG) to stdout behind a header that says
when the camera captured it by the camera's own clock.

Pipeline: rtspsrc (add-reference-timestamp-meta) ! depayloader chosen by the SDP encoding-name (H264, H265, JPEG)
! parser (h264parse/h265parse config-interval=-1: SPS/PPS before every IDR, so every keyframe starts a decodable
GOP; jpegparse) ! byte-stream, one access unit per buffer ! appsink. Dating as in gst_frame_reader.py: the
reference-timestamp meta (camera NTP time from RTCP sender reports), or PTS + the median (camera time - PTS) offset
when a unit's meta is missing or disagrees.

Unit on stdout: 40-byte little-endian header, then `size` bytes:
  magic b"EAP1", flags uint32 (bit 0: camera time known, bit 1: keyframe), camera time int64 (Unix ns),
  pts int64 (ns, -1 if none), width int32, height int32 (from caps, 0 if unknown), codec 4 bytes (b"h264", b"h265",
  b"jpeg"), size int32.
Exit codes as gst_frame_reader.py: 1 stream error (retry), 2 missing element or unsupported encoding (permanent).
Usage: gst_packet_reader.py --url rtsp://... [--transport tcp|udp] [--latency-ms 200]
"""
import argparse
import os
import struct
import sys
import threading

try:
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import GLib, Gst
except (ImportError, ValueError) as missing:
    sys.stderr.write(f"python3-gi with GStreamer 1.0 is not installed: {missing}\n")
    sys.exit(2)

from gst_camera_time import CameraClock, watch_stdin  # beside this script

HEADER = struct.Struct("<4sIqqii4si")
CHAINS = {
    "H264": ("h264", "rtph264depay ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au"),
    "H265": ("h265", "rtph265depay ! h265parse config-interval=-1 ! video/x-h265,stream-format=byte-stream,alignment=au"),
    "JPEG": ("jpeg", "rtpjpegdepay ! jpegparse"),
}
REQUIRED = ("rtspsrc", "rtph264depay", "h264parse", "appsink")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--transport", choices=["tcp", "udp"], default="tcp")
    p.add_argument("--latency-ms", type=int, default=200)
    args = p.parse_args()

    Gst.init(None)
    absent = [e for e in REQUIRED if Gst.ElementFactory.find(e) is None]
    if absent:
        sys.stderr.write(f"GStreamer elements missing: {', '.join(absent)} (install gstreamer1.0-plugins-good/-bad)\n")
        return 2

    pipeline = Gst.Pipeline.new("reader")
    src = Gst.ElementFactory.make("rtspsrc", "src")
    src.set_property("location", args.url)
    src.set_property("protocols", "tcp" if args.transport == "tcp" else "udp")
    src.set_property("latency", args.latency_ms)
    src.set_property("buffer-mode", 0)  # none: PTS follows the RTP timestamps alone
    src.set_property("add-reference-timestamp-meta", True)
    pipeline.add(src)

    out = sys.stdout.buffer
    loop = GLib.MainLoop()
    result = {"code": 0, "linked": False, "codec": b"h264"}
    clock = CameraClock()

    def fail(code, line):
        sys.stderr.write(line + "\n")
        result["code"] = code
        GLib.idle_add(loop.quit)

    def on_pad_added(_src, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        s = caps.get_structure(0)
        if s.get_string("media") != "video" or result["linked"]:
            return
        encoding = (s.get_string("encoding-name") or "").upper()
        if encoding not in CHAINS:
            fail(2, f"unsupported video encoding '{encoding}' (H264, H265 or JPEG)")
            return
        codec, chain = CHAINS[encoding]
        try:
            tail = Gst.parse_bin_from_description(chain + " ! appsink name=sink sync=false emit-signals=true max-buffers=64", True)
        except GLib.Error as e:
            fail(2, f"cannot build the {encoding} chain: {e.message}")
            return
        result["codec"], result["linked"] = codec.encode(), True
        pipeline.add(tail)
        tail.sync_state_with_parent()
        tail.get_by_name("sink").connect("new-sample", on_sample)
        if pad.link(tail.get_static_pad("sink")) != Gst.PadLinkReturn.OK:
            fail(1, "cannot link the depayloader")

    def on_sample(sink):
        sample = sink.emit("pull-sample")
        if sample is None:
            return Gst.FlowReturn.EOS
        buf = sample.get_buffer()
        s = sample.get_caps().get_structure(0)
        width = s.get_int("width")[1] if s.has_field("width") else 0
        height = s.get_int("height")[1] if s.has_field("height") else 0
        camera_ns, pts = clock.date(buf)
        key = result["codec"] == b"jpeg" or not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)
        flags = (0 if camera_ns is None else 1) | (2 if key else 0)
        data = buf.extract_dup(0, buf.get_size())
        try:
            out.write(HEADER.pack(b"EAP1", flags, camera_ns or 0, pts, width, height, result["codec"], len(data)))
            out.write(data)
            out.flush()
        except (BrokenPipeError, ValueError):
            GLib.idle_add(loop.quit)
            return Gst.FlowReturn.EOS
        return Gst.FlowReturn.OK

    def on_message(bus, message):
        if message.type == Gst.MessageType.ERROR:
            err, _ = message.parse_error()
            unplayable = err.matches(Gst.CoreError.quark(), Gst.CoreError.MISSING_PLUGIN) or err.matches(
                Gst.StreamError.quark(), Gst.StreamError.CODEC_NOT_FOUND)
            fail(2 if unplayable else 1, f"{message.src.get_name()}: {err.message}")
        elif message.type == Gst.MessageType.EOS:
            fail(1, "end of stream")

    src.connect("pad-added", on_pad_added)
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    threading.Thread(target=watch_stdin, args=(loop,), daemon=True).start()
    pipeline.set_state(Gst.State.PLAYING)
    try:
        loop.run()
    finally:
        pipeline.set_state(Gst.State.NULL)
    return result["code"]


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # not sys.exit: the stdin watcher thread may be blocked in read()
