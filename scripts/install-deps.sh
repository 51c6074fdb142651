#!/usr/bin/env bash
# Installs every Debian package FluxForge needs to build, test, fuzz and benchmark, and
# nothing else. Safe to run again; skips apt when everything is already present.
set -euo pipefail
packages=(build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
          libzstd-dev libsnappy-dev liblz4-dev libbrotli-dev zlib1g-dev
          zstd time)
missing=()
# Node.js may come from another source than Debian (its own npm inside); only ask apt for
# it when there is no node and npm at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
