#!/usr/bin/env bash
# Regenerate the print fonts from Debian's fonts-noto-core (apt-get install fonts-noto-core):
# Latin subsets as WOFF2, embedded in the PDFs by WeasyPrint through @font-face (no network, no
# dependence on the fonts of the machine that builds). Run from the repository root:
#   .venv/bin/python -m pip show fonttools >/dev/null && bash scripts/subset-fonts.sh
set -euo pipefail
SRC=/usr/share/fonts/truetype/noto
OUT=theme/fonts
UNICODES="U+0020-007E,U+00A0-017F,U+0192,U+02C6-02DC,U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2212,U+FB01-FB02"
for name in NotoSerif-Regular NotoSerif-Italic NotoSerif-Bold NotoSerif-BoldItalic NotoSans-Regular NotoSans-Bold; do
  .venv/bin/pyftsubset "$SRC/$name.ttf" --unicodes="$UNICODES" --layout-features='kern,liga,onum,lnum,pnum,tnum,frac,case' \
    --flavor=woff2 --no-hinting --desubroutinize --output-file="$OUT/$name.woff2"
done
