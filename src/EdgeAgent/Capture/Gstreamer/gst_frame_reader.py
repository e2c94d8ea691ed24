#!/usr/bin/python3
"""EdgeAgent's GStreamer frame reader: decodes an RTSP stream to raw BGR frames on stdout, each behind a header
that says when the camera captured it by the camera's own clock.

The capture time comes from GStreamer's rtspsrc (add-reference-timestamp-meta=true): once an RTCP sender report
has arrived, the jitter buffer maps each packet's RTP timestamp to the sender's NTP time and attaches it as a
GstReferenceTimestampMeta with caps timestamp/x-ntp (nanoseconds since 1900). The decoder carries the meta to
its output frame. Some depayloaders drop or misplace the meta on a few frames (rtph265depay on key frames, whose
parameter sets arrive as packets of their own). Both the meta and the PTS come from the frame's RTP timestamp, so
(camera time - PTS) is the same for every frame of a stream: a frame whose meta is missing, or disagrees with the
median of that offset over the last frames by more than 20 ms, is dated PTS + that median.

Frame on stdout: 32-byte little-endian header, then width*height*3 bytes BGR:
  magic b"EAF1", flags uint32 (bit 0: camera time known), camera time int64 (Unix ns),
  pts int64 (ns, pipeline running time, -1 if none), width int32, height int32.
Errors go to stderr as one line; the exit code is 1 on a stream error (retry), 2 when GStreamer lacks an element or a
decoder for the stream (retrying will not help; Backend auto then uses ffmpeg).
Usage: gst_frame_reader.py --url rtsp://... --width 1280 --height 720 [--transport tcp|udp] [--latency-ms 200]
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

HEADER = struct.Struct("<4sIqqii")
REQUIRED = ("rtspsrc", "decodebin", "videoconvert", "videoscale", "appsink")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--transport", choices=["tcp", "udp"], default="tcp")
    p.add_argument("--latency-ms", type=int, default=200)
    args = p.parse_args()

    Gst.init(None)
    absent = [e for e in REQUIRED if Gst.ElementFactory.find(e) is None]
    if absent:
        sys.stderr.write(f"GStreamer elements missing: {', '.join(absent)} (install gstreamer1.0-plugins-good/-base, gstreamer1.0-libav)\n")
        return 2

    pipeline = Gst.parse_launch(
        "rtspsrc name=src add-reference-timestamp-meta=true ! decodebin name=dec "
        # Every frame must be decoded (later frames refer to it), but when the machine falls behind, conversion and
        # output skip to the newest decoded frame instead of queueing: a backlog would only make every photo older.
        "! queue leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ! videoconvert ! videoscale "
        f"! video/x-raw,format=BGR,width={args.width},height={args.height} "
        "! appsink name=sink sync=false max-buffers=2 drop=true emit-signals=true")
    src = pipeline.get_by_name("src")
    src.set_property("location", args.url)
    src.set_property("protocols", "tcp" if args.transport == "tcp" else "udp")
    src.set_property("latency", args.latency_ms)
    src.set_property("buffer-mode", 0)  # none: PTS follows the RTP timestamps alone, no skew or arrival smoothing
    pipeline.get_by_name("dec").connect("deep-element-added", on_element_added)

    out = sys.stdout.buffer
    loop = GLib.MainLoop()
    result = {"code": 0}
    clock = CameraClock()

    def on_sample(sink):
        sample = sink.emit("pull-sample")
        if sample is None:
            return Gst.FlowReturn.EOS
        buf = sample.get_buffer()
        camera_ns, pts = clock.date(buf)
        ok, info = buf.map(Gst.MapFlags.READ)
        if not ok:
            return Gst.FlowReturn.ERROR
        try:
            out.write(HEADER.pack(b"EAF1", 0 if camera_ns is None else 1, camera_ns or 0, pts, args.width, args.height))
            out.write(info.data)
            out.flush()
        except (BrokenPipeError, ValueError):
            GLib.idle_add(loop.quit)
            return Gst.FlowReturn.EOS
        finally:
            buf.unmap(info)
        return Gst.FlowReturn.OK

    def on_message(bus, message):
        if message.type == Gst.MessageType.ERROR:
            err, _ = message.parse_error()
            sys.stderr.write(f"{message.src.get_name()}: {err.message}\n")
            # A codec GStreamer has no decoder for will not appear on retry: exit 2 lets Backend auto fall back to ffmpeg.
            unplayable = err.matches(Gst.CoreError.quark(), Gst.CoreError.MISSING_PLUGIN) or err.matches(
                Gst.StreamError.quark(), Gst.StreamError.CODEC_NOT_FOUND)
            result["code"] = 2 if unplayable else 1
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            sys.stderr.write("end of stream\n")
            result["code"] = 1
            loop.quit()

    pipeline.get_by_name("sink").connect("new-sample", on_sample)
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


def on_element_added(bin_, sub_bin, element):
    # Frame-threaded decoding holds frames back; slice threading does not.
    factory = element.get_factory()
    if factory is not None and factory.get_name().startswith("avdec_") and element.find_property("thread-type") is not None:
        element.set_property("thread-type", 2)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # not sys.exit: the stdin watcher thread may be blocked in read()
