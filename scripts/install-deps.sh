#!/bin/sh
# Installs the Debian packages zhenwu needs that are missing (Debian 12, as root).
# Called by `make run`, `make test` and `make bench`; does nothing when all are there.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev clang-format
libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev libcmocka-dev
libmagic-dev libxlsxwriter-dev libcairo2-dev libpango1.0-dev libxml2-dev libcurl4-openssl-dev libzip-dev libexpat1-dev
postgresql postgresql-contrib
sqlite3 nodejs npm chromium fonts-noto-cjk poppler-utils wrk ca-certificates unzip"

missing=""
for p in $PKGS; do
    # nodejs may come from another repository that bundles npm: accept a working npm.
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "安装缺少的软件包：$missing"
if [ "$(id -u)" != 0 ]; then
    echo "需要 root 权限安装软件包，请用 root 运行，或手动安装：apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
