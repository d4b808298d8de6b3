#!/usr/bin/env bash
# Install what copp.h's build, tests and demo need (Debian 12). Idempotent:
# does nothing when every package is already installed.
#   install-deps.sh        everything make test uses
#   install-deps.sh demo   only what make demo needs
#   install-deps.sh bench  what make bench adds (gnuplot for its plots)
set -euo pipefail
demo=(make gcc libc6-dev libtommath-dev libtomcrypt-dev libbearssl-dev)
pkgs=("${demo[@]}" cmake python3 g++ clang libclang-rt-14-dev valgrind pkg-config openssl gcc-mingw-w64-x86-64 gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user libssl-dev libcmocka-dev libjansson-dev)
# make kmod-check (Kbuild against the distribution kernel's headers) and make wine-check (mingw-w64 programs under Wine)
pkgs+=(linux-headers-amd64 wine64)
[ "${1:-}" = demo ] && pkgs=("${demo[@]}")
[ "${1:-}" = bench ] && pkgs=(gnuplot-nox)
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
