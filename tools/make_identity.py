"""Draw the Info-PSOC identity files in theme/assets/images/.

    .venv/bin/python tools/make_identity.py

- ``infopsoc-wordmark.svg``: the « Info-PSOC » wordmark, light, for the header;
- ``infopsoc-wordmark-dark.svg``: the same, dark, for bulletin mastheads and print;
- ``favicon.svg``: the site icon;
- ``infopsoc-social.png``: the 1200×630 image shown when a page is shared.

The letters are DejaVu Serif Bold outlines turned into SVG paths (fontTools), so
the SVGs look the same everywhere and need no font. The output is committed; run
this script again only to change the identity. It is deterministic.
"""

from __future__ import annotations

from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
SERIF_BOLD = FONTS / "DejaVuSerif-Bold.ttf"
SANS = FONTS / "DejaVuSans.ttf"
SANS_BOLD = FONTS / "DejaVuSans-Bold.ttf"
OUT = Path(__file__).resolve().parent.parent / "theme/assets/images"

PLUM = "#6b1d5c"        # --md-primary-fg-color
PLUM_DARK = "#4d1142"
ROSE = "#f6c9e6"        # « PSOC » on plum
RASPBERRY = "#9c2c5a"   # « PSOC » on white


def outline(text: str, font: TTFont, size: float, x: float = 0.0, baseline: float = 0.0) -> tuple[str, float]:
    """An SVG path for ``text`` set at ``size`` px, and the x after the last glyph."""
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
    for char in text:
        name = cmap[ord(char)]
        glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, x, baseline)))
        x += font["hmtx"][name][0] * scale
    return pen.getCommands(), x


def wordmark(first: str, second: str) -> str:
    font = TTFont(SERIF_BOLD)
    size, baseline = 40.0, 38.0
    info, x = outline("Info-", font, size, 0.0, baseline)
    psoc, end = outline("PSOC", font, size, x, baseline)
    width = round(end + 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 48" width="{width}" height="48">'
            f'<path fill="{first}" d="{info}"/><path fill="{second}" d="{psoc}"/></svg>\n')


def favicon() -> str:
    font = TTFont(SERIF_BOLD)
    size = 30.0
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    advance = sum(hmtx[cmap[ord(c)]][0] for c in "IP") * size / font["head"].unitsPerEm
    letters, _ = outline("IP", font, size, (48 - advance) / 2, 33.0)
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">'
            f'<rect width="48" height="48" rx="9" fill="{PLUM}"/>'
            f'<rect x="8" y="38" width="32" height="2.5" fill="{ROSE}"/>'
            f'<path fill="#ffffff" d="{letters}"/></svg>\n')


def social_image() -> Image.Image:
    width, height = 1200, 630
    image = Image.new("RGB", (width, height), PLUM)
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(SERIF_BOLD), 150)
    kicker = ImageFont.truetype(str(SANS_BOLD), 30)
    text = ImageFont.truetype(str(SANS), 33)
    # a newspaper nameplate: double rules around the title
    draw.rectangle((80, 175, width - 80, 181), fill="#ffffff")
    draw.rectangle((80, 189, width - 80, 191), fill="#ffffff")
    info_w = draw.textlength("Info-", font=title)
    total = info_w + draw.textlength("PSOC", font=title)
    x = (width - total) / 2
    draw.text((x, 340), "Info-", font=title, fill="#ffffff", anchor="ls")
    draw.text((x + info_w, 340), "PSOC", font=title, fill=ROSE, anchor="ls")
    draw.rectangle((80, 385, width - 80, 387), fill="#ffffff")
    draw.rectangle((80, 395, width - 80, 401), fill="#ffffff")
    draw.text((width / 2, 135), "LE BULLETIN DE LA CTROC", font=kicker, fill=ROSE, anchor="ms")
    for i, line in enumerate(["Le Programme de soutien aux organismes communautaires",
                              "expliqué et suivi, numéro après numéro"]):
        draw.text((width / 2, 475 + i * 50), line, font=text, fill="#ffffff", anchor="ms")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "infopsoc-wordmark.svg").write_text(wordmark("#ffffff", ROSE), encoding="utf-8")
    (OUT / "infopsoc-wordmark-dark.svg").write_text(wordmark(PLUM_DARK, RASPBERRY), encoding="utf-8")
    (OUT / "favicon.svg").write_text(favicon(), encoding="utf-8")
    social_image().save(OUT / "infopsoc-social.png", optimize=True)


if __name__ == "__main__":
    main()
