#!/usr/bin/env bash
# Install what copp.h's build, tests and demo need (Debian 12). Idempotent:
# does nothing when every package is already installed.
set -euo pipefail
pkgs=(make cmake python3 gcc g++ clang libclang-rt-14-dev valgrind pkg-config gcc-mingw-w64-x86-64 gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user libtommath-dev libtomcrypt-dev libssl-dev libcmocka-dev libjansson-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
