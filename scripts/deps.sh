#!/usr/bin/env bash
# Installs the Debian packages EdgeAgent needs, only those missing. Usage: scripts/deps.sh runtime|test
set -euo pipefail
# GStreamer + python3-gi: the RTSP reader that dates frames by the camera's clock (src/EdgeAgent/Capture/Gstreamer).
# ffmpeg: also brings libavcodec/libavutil/libswscale (Debian 12: libavcodec59), which the warm decoder loads in process (Capture/Decoding).
# fonts-noto-cjk: the overlay stamps and the report draw Chinese step names; without it they show empty boxes.
runtime=(libgtk-3-0 ffmpeg fonts-noto-cjk python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav)
# gst-rtsp-server and x264enc (plugins-ugly; x265enc is in plugins-bad): the RTSP test camera.
test=(gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-ugly mosquitto mosquitto-clients prometheus socat gpiod sqlite3 openssl iproute2 systemd postgresql chromium qrencode util-linux passwd ceph-mon ceph-osd ceph-common radosgw)
want=("${runtime[@]}")
[ "${1:-runtime}" = test ] && want+=("${test[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  # Packages must not start system-wide daemons (mosquitto, postgresql, ceph) during install: tests start their own.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
