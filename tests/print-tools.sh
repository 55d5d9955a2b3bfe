#!/bin/sh
# Test set-up for tests/test_print.py: LibreOffice (headless), poppler and the fonts a clerk's office
# prints with, from Debian's packages, so the rendered half of the print tests runs in CI as it does
# here. Pinned to the versions the tests were measured with (Debian 12 "bookworm"); when the archive no
# longer has a pinned version, the current one is taken and the versions installed are printed.
# Run by `make test` only where it can install (root, apt-get); anywhere else the rendered tests skip,
# naming what is missing. Set CERTCTL_NO_PRINT_TOOLS=1 to skip this step.
set -u
PINNED="libreoffice-calc-nogui=4:7.4.7-1+deb12u14 poppler-utils=22.12.0-2+deb12u3 fonts-noto-cjk=1:20220127+repack1-1 fonts-crosextra-carlito=20220224-1"
if [ "${CERTCTL_NO_PRINT_TOOLS:-0}" = 1 ]; then exit 0; fi
if command -v soffice >/dev/null && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep -qi 'cjk' \
   && fc-list 2>/dev/null | grep -qi carlito; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "print tools not installed (needs root and apt-get): the rendered print tests will be skipped"; exit 0
fi
echo "installing print tools for tests/test_print.py (LibreOffice, poppler, CJK and Carlito fonts)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1
if ! apt-get install -y -qq --no-install-recommends $PINNED >/dev/null 2>&1; then
  echo "pinned versions not available; installing the archive's current ones"
  apt-get install -y -qq --no-install-recommends $(echo "$PINNED" | sed 's/=[^ ]*//g') >/dev/null 2>&1 \
    || echo "could not install the print tools: the rendered print tests will be skipped"
fi
dpkg-query -W libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-crosextra-carlito 2>/dev/null || true
exit 0
