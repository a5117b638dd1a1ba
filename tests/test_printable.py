"""Characters the PDF fonts cannot print: `infopsoc check` names file, line, character and code
in French, as a warning (publishing is never blocked by it)."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, bulletin_text

from infopsoc.cli.commands import main
from infopsoc.content.checks.printable import (is_unprintable, print_coverage, printable, stylesheet_fonts,
                                               unprintable)
from infopsoc.content.model import Settings
from infopsoc.content.site import load_site


def test_the_print_fonts_cover_french_text(tree):
    covered = print_coverage(tree.root)
    assert covered and all(ord(ch) in covered for ch in "Œœ«»’éÉàçÇ½€–—…\u00a0\u202f")
    assert unprintable("Révision ; « œuvre » !\n", covered) == []


def test_an_unprintable_character_is_a_french_warning_with_file_line_and_code(tree):
    # U+1D11E MUSICAL SYMBOL G CLEF is in no print font; 💚 and → are
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Merci à toutes et à tous 💚 → 𝄞\n"))
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))
    found = [p for p in report.problems if "polices du PDF" in p.message]
    assert len(found) == 1
    problem = found[0]
    assert (problem.path, problem.line, problem.severity) == ("bulletins/info-psoc-01.md", 8, "warning")
    assert "« 𝄞 » (U+1D11E, musical symbol g clef)" in problem.message and "\ufffd" in problem.hint
    assert "revient" not in problem.message
    # the same character further on: one warning, at its first line, naming the others
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Un 𝄞.\n\nDeux 𝄞 et 𝄞.\n\nTrois 𝄞.\n"))
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))
    found = [p for p in report.problems if "polices du PDF" in p.message]
    assert len(found) == 1 and found[0].line == 8
    assert found[0].message.endswith("; il revient aux lignes 10, 12")


# --- what the PDF fonts print (theme/fonts/, scripts/subset-fonts.sh) ----------------------------

#: Unicode's emoji list, from Debian's unicode-data (installed by .ci/run)
EMOJI_TEST = Path("/usr/share/unicode/emoji/emoji-test.txt")
#: the characters a PDF must print with a real glyph, by kind (assigned code points of these ranges)
RANGES = {
    "Latin": [(0x0020, 0x007E), (0x00A0, 0x024F), (0x1E00, 0x1EFF)],
    "Greek": [(0x0370, 0x03E1), (0x03F0, 0x03FF), (0x1F00, 0x1FFF)],  # 03E2-03EF are Coptic
    "Cyrillic": [(0x0400, 0x052F)],
    "punctuation and currency": [(0x2010, 0x205E), (0x20A0, 0x20BF)],
    "letterlike symbols, fractions": [(0x2100, 0x218B)],
    "arrows": [(0x2190, 0x21FF), (0x27F0, 0x27FF), (0x2900, 0x297F), (0x2B00, 0x2B73)],
    "mathematical operators": [(0x2200, 0x22FF)],
    "enclosed numbers": [(0x2460, 0x24FF)],
    "shapes, symbols, dingbats": [(0x25A0, 0x27BF)],
}


def _assigned(ranges) -> list[str]:
    return [chr(c) for start, end in ranges for c in range(start, end + 1)
            if unicodedata.category(chr(c)) not in ("Cn", "Cc", "Cs", "Co")]


def emoji_list() -> list[str]:
    """Every fully-qualified emoji of Unicode's list (3,600 and more, sequences included)."""
    if not EMOJI_TEST.is_file():
        pytest.fail(f"{EMOJI_TEST} is missing: apt-get install unicode-data (.ci/run does)")
    found = []
    for line in EMOJI_TEST.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "; fully-qualified" in line:
            found.append("".join(chr(int(c, 16)) for c in line.split(";")[0].split()))
    assert len(found) > 3600
    return found


def test_every_emoji_of_unicodes_list_and_every_letter_and_symbol_has_a_glyph():
    covered = print_coverage(REPO)
    missing = {emoji for emoji in emoji_list() if any(is_unprintable(ch, covered) for ch in emoji)}
    assert not missing, sorted(missing)[:20]
    for kind, ranges in RANGES.items():
        chars = _assigned(ranges)
        assert chars and not [f"U+{ord(ch):04X}" for ch in chars if is_unprintable(ch, covered)], kind


def test_unprintable_characters_are_replaced_and_the_rest_kept():
    covered = frozenset(map(ord, "ab c"))
    assert printable("a\U0001d11eb c\u200d\ufe0f", covered) == "a\ufffdb c\u200d\ufe0f"
    assert stylesheet_fonts("assets/stylesheets/print.css", "@font-face { src: url(../../fonts/A.woff2) }") == ["fonts/A.woff2"]


#: one sample of each kind, in a bulletin's text: each must come back from the PDF as typed
SAMPLES = {
    "emoji": "💚 👍 🎉 ✅ 🙏 😀 🇨🇦 👩‍👩‍👧 👍🏽",
    "Latin": "Œuvre œ Æ ß Ł ń Ş ğ Tiếng Việt ẞ",
    "Greek": "Ελληνικά αβγ ΩΣ ἀρχή",
    "Cyrillic": "Кириллица ЖЩЯ ё ї",
    "symbols": "© ® ™ € £ ¥ § ¶ † • … ‰ № ℃ ① ⑩ ■ □ ▲ ● ★ ☆ ♥ ♦ ✓ ✔ ✗ ☎ ♻",
    "arrows": "→ ← ↑ ↓ ↔ ⇒ ⇐ ⇔ ➜ ⟶ ⤴",
    "fractions": "½ ⅓ ⅔ ¼ ¾ ⅛ ⅞",
    "mathematics": "± × ÷ ≤ ≥ ≠ ≈ ∞ √ ∑ °",
}
#: the families of the print stylesheet, as WeasyPrint names them in the PDF
FAMILIES = ["IP-Serif", "IP-Sans", "IP-Math", "IP-Symbols", "IP-Shapes", "IP-Emoji"]


def _glyphs(text: str) -> str:
    """``text`` as a monochrome PDF gives it back: no variation selector (U+FE0F), and no skin tone
    (U+1F3FB-1F3FF: one shape for every tone, which the PDF's text layer reads as the hand alone)."""
    return "".join(ch for ch in text if ch != "\ufe0f" and not 0x1F3FB <= ord(ch) <= 0x1F3FF)


def _pdffonts(pdf: Path) -> dict[str, list[str]]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+", 1)[-1]: line.split() for line in lines}


def test_a_bulletin_with_a_sample_of_each_range_prints_every_character(tree):
    body = "\n\n".join(f"{kind} : {sample}" for kind, sample in SAMPLES.items()) + "\n"
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, title="Tout s'imprime 💚", body=body))
    site = tree.build(pdf=True, strict=True)  # a WeasyPrint warning would stop a strict build
    pdf = site / "pdf/info-psoc-01.pdf"
    fonts = _pdffonts(pdf)
    for family in FAMILIES:
        embedded = [row for name, row in fonts.items() if name == family or name.startswith(family + "-")]
        assert embedded and all(row[-5] == "yes" for row in embedded), (family, fonts)  # emb
    assert not [name for name in fonts if not name.startswith("IP-")]  # nothing from the machine's fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for kind, sample in SAMPLES.items():
        for word in sample.split():
            assert _glyphs(word) in _glyphs(text), (kind, word)
    assert "\ufffd" not in text and "Tout s'imprime 💚" in text


def test_a_character_no_font_holds_never_blocks_publishing(tree):
    # U+1D11E MUSICAL SYMBOL G CLEF: in no print font
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, summary="La clé 𝄞 du PSOC.", body="Une clé 𝄞 et un cœur 💚.\n"))
    site = tree.build(pdf=True, strict=True)
    assert "Une clé 𝄞 et un cœur 💚." in (site / "bulletins/info-psoc-01/index.html").read_text(encoding="utf-8")
    assert "𝄞" in (site / "rss.xml").read_text(encoding="utf-8")
    text = subprocess.run(["pdftotext", str(site / "pdf/info-psoc-01.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Une clé \ufffd et un cœur 💚." in text and "La clé \ufffd du PSOC." in text and "𝄞" not in text
    result = CliRunner().invoke(main, ["--config-file", str(tree.root / "mkdocs.yml"), "check"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    warned = [line for line in result.output.splitlines() if "U+1D11E" in line]
    assert len(warned) == 1 and warned[0].startswith("bulletins/info-psoc-01.md:5: avertissement : le caractère « 𝄞 »")
    assert "n'a pas de glyphe dans les polices du PDF" in warned[0] and "💚" not in result.output
