#!/usr/bin/env bash
# Debian packages the tests use, installed only where missing: the PostgreSQL server (the tests
# start their own throwaway server), Chromium (Playwright drives Debian's build; it cannot
# download browsers of its own here), and Pango with fonts for WeasyPrint's PDF one-pager.
set -euo pipefail

have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

missing=()
have_postgres || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_pango() { ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; }
have_pango || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
# Chinese, Japanese and Korean on the printed one-pager (DejaVu has no CJK glyphs).
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing Debian packages for the tests: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
have_postgres || { echo "PostgreSQL server binaries still not found" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium still not found" >&2; exit 1; }
have_pango || { echo "Pango (for WeasyPrint) still not found" >&2; exit 1; }
