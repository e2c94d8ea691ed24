#!/bin/sh
# Installs EdgeAgent on a Debian device: publishes the app, creates the user, groups and directories,
# installs the systemd units, an example config and the udev rules. Safe to run again (upgrades in place,
# never overwrites an edited config).
#
#   sudo deploy/install.sh                     # publish from source and install
#   sudo deploy/install.sh --app-dir DIR       # install an already published app
#   DESTDIR=/tmp/root deploy/install.sh ...    # stage into a root (no systemctl/udevadm; users in DESTDIR/etc)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
DESTDIR=${DESTDIR:-}
app_dir=""
runtime=""
self_contained=false
collector=false
deps=true

usage() {
  echo "usage: $0 [--app-dir DIR] [--runtime RID] [--self-contained] [--collector] [--no-deps]" >&2
  exit 64
}

while [ $# -gt 0 ]; do
  case "$1" in
    --app-dir) [ $# -ge 2 ] || usage; app_dir=$2; shift 2 ;;
    --runtime) [ $# -ge 2 ] || usage; runtime=$2; shift 2 ;;
    --self-contained) self_contained=true; shift ;;
    --collector) collector=true; shift ;;
    --no-deps) deps=false; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown option $1" >&2; usage ;;
  esac
done

say() { echo "install.sh: $*"; }

if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (or set DESTDIR to stage into a directory)" >&2
  exit 77
fi

# With DESTDIR, user tools edit DESTDIR/etc/{passwd,group} (useradd --prefix) and nothing touches the host.
prefix_args=""
if [ -n "$DESTDIR" ]; then
  mkdir -p "$DESTDIR/etc"
  for f in passwd group shadow gshadow; do [ -e "$DESTDIR/etc/$f" ] || : > "$DESTDIR/etc/$f"; done
  prefix_args="--prefix $DESTDIR"
fi

has_group() { grep -q "^$1:" "${DESTDIR}/etc/group"; }
has_user() { grep -q "^$1:" "${DESTDIR}/etc/passwd"; }

# 0. Runtime packages: ffmpeg (network cameras, doctor), GStreamer with python3-gi (RTSP cameras dated by their own
#    clock: RTCP sender reports), libgpiod (lock switches), GTK (OpenCvSharp's native library), fonts-noto-cjk
#    (Chinese step names on the photo stamps; without it they are empty boxes).
if [ -z "$DESTDIR" ] && [ "$deps" = true ] && command -v apt-get >/dev/null 2>&1; then
  say "installing runtime packages (skip with --no-deps)"
  # libgpiod is libgpiod2 up to Debian 12, libgpiod3 from Debian 13; System.Device.Gpio loads either.
  gpiod=libgpiod2
  if apt-cache show libgpiod3 >/dev/null 2>&1; then gpiod=libgpiod3; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg "$gpiod" libgtk-3-0 fonts-noto-cjk \
    python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav >/dev/null
fi

# 1. The application, published to /opt/edgeagent (replaced as a whole, so no stale assemblies remain).
target="$DESTDIR/opt/edgeagent"
staging="$DESTDIR/opt/.edgeagent.new"
rm -rf "$staging"
if [ -n "$app_dir" ]; then
  say "installing the published app from $app_dir"
  mkdir -p "$staging"
  cp -a "$app_dir/." "$staging/"
else
  rid=${runtime:-linux-$(case "$(uname -m)" in aarch64) echo arm64 ;; armv7l) echo arm ;; *) echo x64 ;; esac)}
  say "publishing src/EdgeAgent for $rid (self-contained: $self_contained)"
  dotnet publish "$repo/src/EdgeAgent" -c Release -r "$rid" --self-contained "$self_contained" -o "$staging" --nologo -v quiet
fi
[ -x "$staging/edgeagent" ] || { echo "install.sh: $staging/edgeagent missing: not a published EdgeAgent" >&2; exit 1; }
rm -rf "$target.old"
if [ -d "$target" ]; then mv "$target" "$target.old"; fi
mv "$staging" "$target"
rm -rf "$target.old"
mkdir -p "$DESTDIR/usr/local/bin"
ln -sfn /opt/edgeagent/edgeagent "$DESTDIR/usr/local/bin/edgeagent"

# 2. Groups and the dedicated user. gpio is not a Debian default group; the udev rules use it.
for g in gpio video input dialout; do
  has_group "$g" || { say "creating group $g"; groupadd --system $prefix_args "$g"; }
done
if ! has_user edgeagent; then
  say "creating user edgeagent"
  useradd --system $prefix_args --user-group --no-create-home --home-dir /var/lib/edgeagent --shell /usr/sbin/nologin edgeagent
fi
usermod $prefix_args --append --groups gpio,video,input,dialout edgeagent
if [ "$collector" = true ] && ! has_user edgeagent-collector; then
  say "creating user edgeagent-collector"
  useradd --system $prefix_args --user-group --no-create-home --home-dir /var/lib/edgeagent-collector --shell /usr/sbin/nologin edgeagent-collector
fi

# 3. Directories. systemd creates and owns State/Runtime directories at start; /etc/edgeagent holds secrets.
own() { [ -z "$DESTDIR" ] && chown "$@" || true; }
install -d -m 0750 "$DESTDIR/etc/edgeagent" "$DESTDIR/var/lib/edgeagent"
own root:edgeagent "$DESTDIR/etc/edgeagent"
own edgeagent:edgeagent "$DESTDIR/var/lib/edgeagent"

# 4. Config: the example always refreshed, the live config only created when missing.
install -m 0640 "$here/edgeagent.example.json" "$DESTDIR/etc/edgeagent/edgeagent.example.json"
install -m 0644 "$here/edgeagent.schema.json" "$DESTDIR/etc/edgeagent/edgeagent.schema.json" # editors complete and check the config with it
if [ ! -e "$DESTDIR/etc/edgeagent/edgeagent.json" ]; then
  say "creating /etc/edgeagent/edgeagent.json from the example: edit it, then run: edgeagent doctor"
  install -m 0640 "$here/edgeagent.example.json" "$DESTDIR/etc/edgeagent/edgeagent.json"
fi
own root:edgeagent "$DESTDIR/etc/edgeagent/edgeagent.json" "$DESTDIR/etc/edgeagent/edgeagent.example.json"

# 5. systemd units and udev rules.
install -d "$DESTDIR/etc/systemd/system" "$DESTDIR/etc/udev/rules.d"
install -m 0644 "$here/systemd/edgeagent.service" "$DESTDIR/etc/systemd/system/edgeagent.service"
install -m 0644 "$here/udev/60-edgeagent.rules" "$DESTDIR/etc/udev/rules.d/60-edgeagent.rules"
if [ "$collector" = true ]; then
  install -m 0644 "$here/systemd/edgeagent-collector.service" "$DESTDIR/etc/systemd/system/edgeagent-collector.service"
  install -d -m 0750 "$DESTDIR/etc/edgeagent-collector"
  if [ ! -e "$DESTDIR/etc/edgeagent-collector/collector.env" ]; then
    printf '# Arguments for edgeagent collect, e.g.\nCOLLECTOR_ARGS=--broker mqtts://broker.example:8883 --ca-file /etc/edgeagent-collector/ca.pem --username collector --password-file /etc/edgeagent-collector/broker.password\n' \
      > "$DESTDIR/etc/edgeagent-collector/collector.env"
  fi
  own -R root:edgeagent-collector "$DESTDIR/etc/edgeagent-collector"
fi

if [ -z "$DESTDIR" ]; then
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload || true
    udevadm trigger --subsystem-match=gpio --subsystem-match=video4linux --subsystem-match=tty --subsystem-match=input || true
  fi
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable edgeagent.service
    if [ "$collector" = true ]; then systemctl enable edgeagent-collector.service; fi
    if systemctl is-active --quiet edgeagent.service; then systemctl restart edgeagent.service; fi
  fi
fi

say "done. Next: edit /etc/edgeagent/edgeagent.json, run 'edgeagent doctor', then 'systemctl start edgeagent'"
