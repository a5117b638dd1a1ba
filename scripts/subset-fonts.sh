#!/usr/bin/env bash
# Regenerate the print fonts of theme/fonts/ (embedded in the PDFs by WeasyPrint through @font-face:
# no network, no dependence on the fonts of the machine that builds). All are Noto, SIL OFL 1.1
# (theme/fonts/OFL.txt; theme/fonts/README.md lists each file, its source and what it covers).
#
# Sources, fetched by the ordinary package clients into a temporary folder (nothing is installed):
#   Debian's fonts-noto-core (apt-get download): Noto Serif, Noto Sans, Noto Sans Math,
#     Noto Sans Symbols, Noto Sans Symbols 2;
#   npm's @expo-google-fonts/noto-emoji (npm pack): Noto Emoji, the monochrome emoji font.
# Or point NOTO_DIR at a folder of Noto .ttf files and NOTO_EMOJI at NotoEmoji-Regular.ttf.
#
# WOFF (zlib), not WOFF2: WeasyPrint decodes each font once per process, and WOFF2's Brotli and glyph
# transforms cost 3 s of pure Python for these fonts, WOFF 0.1 s (the files are 40 % larger, and
# only the PDF reads them: WeasyPrint embeds the glyphs a PDF uses, nothing more).
# Run from the repository root, with the project's .venv (fontTools comes with WeasyPrint):
#   bash scripts/subset-fonts.sh
set -euo pipefail
OUT=theme/fonts
SUBSET=".venv/bin/pyftsubset"
EMOJI_PACKAGE="@expo-google-fonts/noto-emoji@0.4.7"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${NOTO_DIR:-}" ]; then
  (cd "$work" && apt-get download fonts-noto-core >/dev/null 2>&1 && dpkg-deb -x fonts-noto-core_*.deb deb)
  NOTO_DIR="$work/deb/usr/share/fonts/truetype/noto"
fi
if [ -z "${NOTO_EMOJI:-}" ]; then
  (cd "$work" && npm pack --silent "$EMOJI_PACKAGE" >/dev/null && mkdir emoji && tar xzf ./*noto-emoji-*.tgz -C emoji)
  NOTO_EMOJI="$work/emoji/package/400Regular/NotoEmoji_400Regular.ttf"
fi

# Text: Latin (with Vietnamese and the IPA), Greek, Cyrillic, combining accents, punctuation,
# currency signs, letterlike symbols, fractions (number forms), ligatures.
TEXT="U+0020-007E,U+00A0-036F,U+0370-03E1,U+03F0-03FF,U+0400-052F,U+1AB0-1AFF,U+1D00-1DFF,U+1E00-1FFF,\
U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-218F,U+2C60-2C7F,U+2DE0-2DFF,U+A640-A69F,U+A720-A7FF,U+FB00-FB06,U+FFFD"
# Symbols: arrows, mathematical operators, technical signs, enclosed numbers, geometric shapes,
# miscellaneous symbols, dingbats (check marks, stars), supplemental arrows.
SYMBOLS="U+0020,U+00A0,U+2000-200F,U+2028-202F,U+205F-2060,U+2100-218F,U+2190-23FF,U+2460-24FF,U+25A0-27BF,U+27C0-27FF,U+2900-2BFF,U+1F100-1F1FF"
# Emoji: the whole font (Unicode's emoji list), with its sequences (ZWJ, skin tones, keycaps, flags).

text_font() {  # name
  "$SUBSET" "$NOTO_DIR/$1.ttf" --unicodes="$TEXT" \
    --layout-features='kern,liga,onum,lnum,pnum,tnum,frac,case,ccmp,locl,mark,mkmk' \
    --flavor=woff --no-hinting --desubroutinize --output-file="$OUT/$1.woff"
}
symbol_font() {  # name
  "$SUBSET" "$NOTO_DIR/$1.ttf" --unicodes="$SYMBOLS" --layout-features='ccmp,liga' \
    --flavor=woff --no-hinting --desubroutinize --output-file="$OUT/$1.woff"
}

for name in NotoSerif-Regular NotoSerif-Italic NotoSerif-Bold NotoSerif-BoldItalic NotoSans-Regular NotoSans-Bold; do
  text_font "$name"
done
for name in NotoSansMath-Regular NotoSansSymbols-Regular NotoSansSymbols2-Regular; do
  symbol_font "$name"
done
"$SUBSET" "$NOTO_EMOJI" --unicodes='*' --layout-features='*' \
  --flavor=woff --no-hinting --output-file="$OUT/NotoEmoji-Regular.woff"
ls -l "$OUT"
