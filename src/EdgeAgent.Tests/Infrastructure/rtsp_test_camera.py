#!/usr/bin/python3
"""A real RTSP camera for tests: GStreamer's RTSP server (gir1.2-gst-rtsp-server-1.0) serving frames that
carry their production time (Unix ms) in a clock stripe, the layout of src/EdgeAgent/Capture/FrameClockStripe.cs:
64 blocks of width/64 px along the top 8 rows, most significant bit first, white = 1, BGR pixels.

Timing contract (what makes this camera's sender reports true):
- each frame's PTS is the pipeline's running time read at the same instant as the wall clock written into it;
- like a real camera whose encoder falls behind, it drops its oldest unencoded frames rather than queue them;
- the RTP session's sender reports use the capture time (rtcp-sync-send-time=false, so the mapping never depends on
  when packets leave; on this pipeline GStreamer's default gave the same result) and NTP from the realtime clock
  (ntp-time-source=ntp), so an RTP timestamp mapped through a sender report gives the time in the pixels.
  RtspTestCameraTests checks exactly that, from the packets and reports as they are sent (--check).

Prints "READY rtsp://127.0.0.1:<port>/<path>" on stdout once it serves. With --check, also prints one line per
sender report: "SR ntp_unix_ns rtp", one per frame sent: "FRAME stripe_ms rtp" and one per receiver report that
comes in: "RR reporter_ssrc extended_highest_seq cumulative_lost", and "REQUEST method" per OPTIONS, GET_PARAMETER and
TEARDOWN it accepted, so a test can verify the mapping
from what went out on the wire. --gop sets the keyframe interval in frames (default: one a second), --bitrate the H.264 rate in kbit/s, --busy fills the lower half with fresh noise every frame; --codec mjpeg serves RTP/JPEG; --switch-size WxH
with --switch-after N changes the picture size after N frames (as a camera reconfigured mid-stream); --user and
--password make it require RTSP Digest authentication (GstRTSPAuth), as site cameras do.
Usage: rtsp_test_camera.py --port 8554 [--path cam] [--size 1280x720] [--fps 15] [--codec h264|h265|mjpeg] [--gop 15]
"""
import argparse
import os
import struct
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

Gst.init(None)  # before the media subclass registers: its signals name GStreamer types

NTP_UNIX_OFFSET_S = 2208988800
BITS = 64
ROW_HEIGHT = 8


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Scene:
    """A plant-like scene (tiles of many grey-green levels, like machinery against a wall: textured, not blank) with a
    moving block (the picture changes) and the clock stripe."""

    TILE = 32

    def __init__(self, width, height, busy=False):
        self.width, self.height = width, height
        self.background = self.textured(width, height)
        # Busy: the lower half is fresh noise every frame (a cycle of 8), so the encoder spends its whole bit rate
        # and decoding costs what a busy real scene costs, not what a still picture does.
        self.noise = [os.urandom(width * (height // 2) * 3) for _ in range(8)] if busy else []
        self.frame = bytearray(self.background)
        self.block = width // BITS
        self.white = b"\xff" * (self.block * 3)
        self.black = b"\x00" * (self.block * 3)

    @classmethod
    def textured(cls, width, height):
        """Tiles of pseudo-random levels from 40 to 215 (a fixed sequence: every run shows the same scene)."""
        seed, rows = 12345, []
        for _ in range(0, height, cls.TILE):
            row = bytearray()
            for _ in range(0, width, cls.TILE):
                seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
                level = 40 + seed % 176
                row += bytes((level * 2 // 3, level, level * 5 // 6)) * cls.TILE
            rows.append(bytes(row[:width * 3]) * cls.TILE)
        return b"".join(rows)[:width * height * 3]

    def draw(self, n, stamp_ms):
        w, h, f = self.width, self.height, self.frame
        y0, size = h * 2 // 3, 40
        f[y0 * w * 3:(y0 + size) * w * 3] = self.background[y0 * w * 3:(y0 + size) * w * 3]  # erase the old block
        x = (n * 7) % max(1, w - size)
        for y in range(y0, y0 + size):
            f[(y * w + x) * 3:(y * w + x + size) * 3] = b"\x00\x8c\xff" * size
        if self.noise:
            f[(h - h // 2) * w * 3:] = self.noise[n % len(self.noise)]
        row = b"".join(self.white if (stamp_ms >> (BITS - 1 - bit)) & 1 else self.black for bit in range(BITS))
        for y in range(ROW_HEIGHT):
            f[y * w * 3:y * w * 3 + len(row)] = row
        return bytes(f)


class CaptureTimeMedia(GstRtspServer.RTSPMedia):
    """Sender reports map RTP time to when a frame was captured, not when its packets were sent."""

    def do_setup_rtpbin(self, rtpbin):
        rtpbin.set_property("rtcp-sync-send-time", False)
        rtpbin.set_property("ntp-time-source", "ntp")
        return True


class Camera:
    def __init__(self, args):
        self.args = args
        self.width, self.height = (int(v) for v in args.size.split("x"))
        self.stamps = {}

    def launch(self):
        caps = f"video/x-raw,format=BGR,width={self.width},height={self.height},framerate={self.args.fps}/1"
        gop = self.args.gop or self.args.fps
        if self.args.codec == "mjpeg":
            enc = "jpegenc quality=85 ! rtpjpegpay name=pay0 pt=26"
        elif self.args.codec == "h265":
            enc = f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} ! video/x-h265,profile=main ! rtph265pay name=pay0 pt=96 config-interval=1"
        else:
            rate = f" bitrate={self.args.bitrate}" if self.args.bitrate else ""
            enc = f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop}{rate} ! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
        return f"( appsrc name=src is-live=true format=time do-timestamp=false max-buffers=2 max-bytes=0 leaky-type=downstream caps={caps} ! videoconvert ! video/x-raw,format=I420 ! {enc} )"

    def on_media_configure(self, factory, media):
        """One producer per media: a shared media lives while it has clients; the next client gets a new one."""
        stop = threading.Event()
        media.connect("unprepared", lambda m: stop.set())
        if self.args.check:
            media.connect("prepared", self.on_prepared)
        threading.Thread(target=self.produce, args=(media.get_element().get_by_name("src"), stop), daemon=True).start()

    def on_prepared(self, media):
        for i in range(media.n_streams()):
            stream = media.get_stream(i)
            stream.get_srcpad().add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST, self.on_rtp)
            stream.get_rtpsession().connect("on-sending-rtcp", self.on_sending_rtcp)
            stream.get_rtpsession().connect("on-receiving-rtcp", self.on_receiving_rtcp)

    def on_rtp(self, pad, info):
        """Each frame's last packet (marker bit) as it leaves the payloader: its RTP timestamp and the stripe time."""
        if info.type & Gst.PadProbeType.BUFFER_LIST:
            buffers = [info.get_buffer_list().get(i) for i in range(info.get_buffer_list().length())]
        else:
            buffers = [info.get_buffer()]
        # The encoder shifts PTS by a segment start (x264enc: 1000 h); the running time is what the frame was given.
        segment = pad.get_sticky_event(Gst.EventType.SEGMENT, 0).parse_segment()
        for buf in buffers:
            head = buf.extract_dup(0, 12)
            if len(head) == 12 and head[1] & 0x80:
                stamp = self.stamps.get(segment.to_running_time(Gst.Format.TIME, buf.pts))
                if stamp is not None:
                    say(f"FRAME {stamp} {struct.unpack_from('>I', head, 4)[0]}")
        return Gst.PadProbeReturn.OK

    def on_sending_rtcp(self, session, buf, early):
        """The sender report as it goes out: NTP time (as Unix ns) and the RTP time it maps to."""
        data = buf.extract_dup(0, buf.get_size())
        offset = 0
        while offset + 28 <= len(data):
            packet_type, words = data[offset + 1], struct.unpack_from(">H", data, offset + 2)[0]
            if packet_type == 200:
                seconds, fraction, rtptime = struct.unpack_from(">III", data, offset + 8)
                ntp_ns = seconds * 10**9 + ((fraction * 10**9) >> 32)
                say(f"SR {ntp_ns - NTP_UNIX_OFFSET_S * 10**9} {rtptime}")
            offset += (words + 1) * 4
        return False

    def on_receiving_rtcp(self, session, buf):
        """A client's receiver report as it comes in: the reporter's SSRC and, per block, the extended highest sequence
        number and the cumulative number of packets lost."""
        data = buf.extract_dup(0, buf.get_size())
        offset = 0
        while offset + 8 <= len(data):
            count, packet_type, words = data[offset] & 0x1F, data[offset + 1], struct.unpack_from(">H", data, offset + 2)[0]
            if packet_type == 201 and count >= 1 and offset + 32 <= len(data):
                reporter = struct.unpack_from(">I", data, offset + 4)[0]
                lost = struct.unpack_from(">I", data, offset + 12)[0] & 0xFFFFFF
                highest = struct.unpack_from(">I", data, offset + 16)[0]
                say(f"RR {reporter} {highest} {lost}")
            offset += (words + 1) * 4

    def produce(self, src, stop):
        """The camera's frame clock: one frame per interval; wall clock and running time read together."""
        scene = Scene(self.width, self.height, self.args.busy)
        interval = 1.0 / self.args.fps
        switch_at = self.args.switch_after if self.args.switch_size else -1
        while src.get_clock() is None or src.get_state(0)[1] != Gst.State.PLAYING:
            if stop.wait(0.005):
                return
        clock, base = src.get_clock(), src.get_base_time()
        n = 0
        next_at = time.monotonic()
        while not stop.is_set():
            if n == switch_at:
                w, h = (int(v) for v in self.args.switch_size.split("x"))
                src.set_property("caps", Gst.Caps.from_string(f"video/x-raw,format=BGR,width={w},height={h},framerate={self.args.fps}/1"))
                scene = Scene(w, h, self.args.busy)
            running = clock.get_time() - base
            wall_ms = time.time_ns() // 1_000_000
            data = scene.draw(n, wall_ms)
            buf = Gst.Buffer.new_wrapped(data)
            buf.pts = running
            buf.duration = int(interval * Gst.SECOND)
            if self.args.check:
                self.stamps[running] = wall_ms
                if len(self.stamps) > 200:
                    self.stamps.pop(next(iter(self.stamps)))
            if src.emit("push-buffer", buf) != Gst.FlowReturn.OK:
                return
            n += 1
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                stop.wait(delay)
            else:
                next_at = time.monotonic()  # fell behind (loaded machine): no burst of catch-up frames


def _iter_list(buffer_list):
    for i in range(buffer_list.length()):
        yield buffer_list.get(i)


def on_client(client, args):
    """--session-timeout: each session times out after that many seconds without a keepalive. --check: one line
    "REQUEST method" per OPTIONS, GET_PARAMETER and TEARDOWN the server accepted (authentication passed)."""
    if args.session_timeout:
        client.connect("new-session", lambda _client, session: session.set_timeout(args.session_timeout))
    if args.check:
        for signal, method in (("options-request", "OPTIONS"), ("get-parameter-request", "GET_PARAMETER"), ("teardown-request", "TEARDOWN")):
            client.connect(signal, lambda _client, _context, m=method: say(f"REQUEST {m}"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8554)
    p.add_argument("--path", default="cam")
    p.add_argument("--size", default="1280x720")
    p.add_argument("--fps", type=int, default=15)
    p.add_argument("--codec", choices=["h264", "h265", "mjpeg"], default="h264")
    p.add_argument("--gop", type=int, default=0)
    p.add_argument("--busy", action="store_true")  # noise over the lower half, new every frame
    p.add_argument("--bitrate", type=int, default=0)  # kbit/s (h264); 0: x264enc's default
    p.add_argument("--switch-size", default="")
    p.add_argument("--switch-after", type=int, default=0)
    p.add_argument("--check", action="store_true")
    p.add_argument("--session-timeout", type=int, default=0)  # s; 0: the server's default (60)
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    args = p.parse_args()

    Gst.init(None)
    camera = Camera(args)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(camera.launch())
    factory.set_shared(True)
    factory.set_media_gtype(CaptureTimeMedia)
    factory.connect("media-configure", camera.on_media_configure)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "viewer")
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)
        role = Gst.Structure.from_string("viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0]
        factory.add_role_from_structure(role)
    server.get_mount_points().add_factory("/" + args.path, factory)
    server.connect("client-connected", lambda _server, client: on_client(client, args))
    if server.attach(None) == 0:
        say(f"ERROR cannot listen on 127.0.0.1:{args.port}")
        return 1
    say(f"READY rtsp://127.0.0.1:{args.port}/{args.path}")
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
