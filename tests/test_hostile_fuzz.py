"""Random front matter text through a full build of a tiny site (issue 19): nothing is injected, no traceback.

Whatever a title or a summary holds, the built page shows it as text: the page's ``<title>``, its
description, its heading and its summary parse (as a browser parses them) back to the text typed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from mkdocs.exceptions import Abort, PluginError

from conftest import Tree, populate

# letters, the characters that mean something in HTML, Markdown and YAML, and other scripts
ALPHABET = st.sampled_from(list("aZé ÀΩж中<>&\"'`*_#[]()!|\\/:;{}=-~^%$@?.,") + ["\u202e", "\u200b", "🎉"])
TEXT = st.text(ALPHABET, min_size=1, max_size=30).filter(lambda s: s.strip(" \u200b"))


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking a full build takes minutes
@example(title="~ <b>x</b> & \"q\"", summary="\u200b<script>alert(1)</script>")
@example(title="&", summary="\u202e")  # refused: a French message, no traceback
@given(title=TEXT, summary=TEXT)
def test_any_title_and_summary_come_out_as_the_same_text(title, summary):
    with tempfile.TemporaryDirectory() as folder:
        tree = populate(Tree(Path(folder) / "project"))
        tree.write("bulletins/info-psoc-02.md", f"---\nnumber: 2\ntitle: {_yaml(title)}\ndate: 2017-11-02\n"
                                               f"summary: {_yaml(summary)}\n---\n\nLe texte.\n")
        try:
            site = tree.build()
        except (PluginError, Abort) as exc:  # a content mistake (a placeholder, U+202E…): a French message
            error = exc if isinstance(exc, PluginError) else exc.__context__  # MkDocs wraps it in its Abort
            assert isinstance(error, PluginError) and "Le contenu a des erreurs" in str(error), exc
            return
        page = lxml_html.document_fromstring((site / "bulletins/info-psoc-02/index.html").read_bytes())
        typed_title, typed_summary = " ".join(title.split()), " ".join(summary.split())
        assert " ".join(page.findtext(".//title").split()) == f"Info-PSOC no 2 — {typed_title} - Info-PSOC"
        assert " ".join(page.xpath("string(//meta[@name='description']/@content)").split()) == typed_summary
        assert " ".join(page.xpath("string(//p[@class='ip-summary'])").split()) == typed_summary
        heading = " ".join(page.xpath("string(//article//h1)").split()).removesuffix("¶").strip()
        assert heading == typed_title
        assert [s for s in page.iter("script") if s.text and "alert" in s.text] == []
