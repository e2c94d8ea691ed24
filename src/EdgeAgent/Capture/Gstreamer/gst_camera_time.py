"""What EdgeAgent's GStreamer readers share: dating each buffer by the camera's own clock, and ending with the parent.

rtspsrc (add-reference-timestamp-meta=true) attaches, once an RTCP sender report has arrived, the camera's NTP time
of each packet as a GstReferenceTimestampMeta (caps timestamp/x-ntp, ns since 1900). Both the meta and the PTS come
from the RTP timestamp, so (camera time - PTS) is the same for every buffer of a stream: a buffer whose meta is
missing (some depayloaders drop it, e.g. on H.265 parameter sets) or disagrees with the median of that offset over the
last buffers by more than 20 ms is dated PTS + that median.
"""
import sys

from gi.repository import GLib, Gst

NTP_UNIX_OFFSET_NS = 2208988800 * 1_000_000_000
OFFSET_WINDOW = 15
OFFSET_TOLERANCE_NS = 20_000_000


class CameraClock:
    """Dates buffers of one stream: (camera time as Unix ns or None, PTS ns or -1)."""

    def __init__(self):
        self.ntp_caps = Gst.Caps.from_string("timestamp/x-ntp")
        self.offsets = []  # camera time - PTS of the last buffers with a meta

    def date(self, buf):
        meta = buf.get_reference_timestamp_meta(self.ntp_caps)
        pts = buf.pts if buf.pts != Gst.CLOCK_TIME_NONE else -1
        camera_ns = meta.timestamp - NTP_UNIX_OFFSET_NS if meta is not None else None
        if pts >= 0:
            if camera_ns is not None:
                self.offsets.append(camera_ns - pts)
                del self.offsets[:-OFFSET_WINDOW]
            if self.offsets:
                typical = sorted(self.offsets)[len(self.offsets) // 2]
                if camera_ns is None or abs(camera_ns - pts - typical) > OFFSET_TOLERANCE_NS:
                    camera_ns = pts + typical
        return camera_ns, pts


def watch_stdin(loop):
    """The parent closing our stdin (or dying) ends the reader."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    GLib.idle_add(loop.quit)
