#!/usr/bin/env bash
# Debian packages lfk needs outside Python: graphviz (`dot`, for flowcharts), a CJK font (Chinese
# text in pictures) and, for the test suite, chromium (browser test) and LibreOffice (reading .doc/.odt). Installs what is missing when
# run as root; otherwise prints one line saying what to install. Usage: sysdeps.sh [demo|test]
set -u
want="${1:-demo}"
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing+=(fonts-noto-cjk fontconfig); fi
if [ "$want" = test ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v git >/dev/null 2>&1 || missing+=(git)
  # LibreOffice: lfk import converts .doc/.wps/.rtf/.odt/.ods with it when installed; the suite tests that
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get could not install: ${missing[*]}" >&2; exit 1; }
else
  echo "lfk needs Debian packages that are missing here; please run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
