#!/usr/bin/env bash
# Installs the Debian packages EdgeAgent needs, only those missing. Usage: scripts/deps.sh runtime|test
set -euo pipefail
runtime=(libgtk-3-0 ffmpeg)
test=(mosquitto mosquitto-clients prometheus socat gpiod sqlite3 openssl iproute2 systemd postgresql chromium fonts-noto-cjk qrencode util-linux passwd)
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
  # Packages must not start system-wide daemons (mosquitto, postgresql) during install: tests start their own.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
