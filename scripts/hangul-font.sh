#!/usr/bin/env bash
# A font with Hangul for Korean charts and maps (DejaVu, matplotlib's own, has none): Debian's
# fonts-nanum, installed only if no Hangul font is there yet and this user can install it
# (root with apt, as in CI). Never fails: without one, Korean pictures are drawn in English
# and the bot logs why (bot/pictures/_figure.py).
set -u
if fc-list :lang=ko 2>/dev/null | grep -q . || [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing fonts-nanum (Hangul for Korean pictures)"
    if apt-get install -y --no-install-recommends fonts-nanum >/dev/null 2>&1 \
        || { apt-get update >/dev/null 2>&1 \
             && apt-get install -y --no-install-recommends fonts-nanum >/dev/null 2>&1; }; then
        exit 0
    fi
fi
echo "note: no Hangul font (apt-get install fonts-nanum as root): Korean pictures stay English" >&2
exit 0
