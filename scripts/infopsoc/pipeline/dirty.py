"""What a preview rebuild must redo: the pages whose inputs changed since the last build.

The preview (``infopsoc serve``) rebuilds after every save. Rebuilding all 600 pages of a
300-issue archive takes longer than staff should wait, and one saved bulletin changes
one page, sometimes a few (the archive, its neighbours, the pages of the terms it uses).

Each page has a *fingerprint*: the hash of what it is made from (a generated page: its
generated Markdown, which already holds what it shows of other items; a hand-written
page: its text and what its directives expand to). A page is rebuilt when its
fingerprint changed. Everything is rebuilt when the *structure* changed: the list of
pages, the glossary (it marks every page), the theme or the configuration.
The adapter (plugin/events.py) tells MkDocs which pages to skip; another engine, its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from infopsoc.core import memo
from infopsoc.core.fingerprints import extensions_signature, files_fingerprint, fingerprint, versions
from infopsoc.core.i18n import HTML_LANG
from infopsoc.pipeline.prepare import PipelineError


class ChangeTracker:
    """Remembers the fingerprints of the last build, and says what the next one must redo."""

    def __init__(self) -> None:
        self._structure: str | None = None
        self._pages: dict[str, str] = {}

    def plan(self, structure: str, pages: Mapping[str, str]) -> set[str] | None:
        """The pages to rebuild (by path), or None for all of them; remembers this build."""
        everything = structure != self._structure
        changed = None if everything else {uri for uri, value in pages.items() if self._pages.get(uri) != value}
        self._structure, self._pages = structure, dict(pages)
        return changed

    def forget(self) -> None:
        """After a failed build: the next one redoes everything."""
        self._structure, self._pages = None, {}


def page_fingerprints(prepared) -> dict[str, str]:
    """Each prepared page's fingerprint (a :class:`~infopsoc.pipeline.prepare.Prepared`): its Markdown,
    directives expanded, and its fragments."""
    return {uri: fingerprint(page.text, *sorted(page.fragments.values())) for uri, page in prepared.pages.items()}


def structure(prepared, all_uris: Iterable[str], watched: list[Path]) -> str:
    """What every page depends on: the list of files, the glossary, the configuration and theme (``watched``)."""
    glossary = [(t.slug, t.lang, tuple(t.names), t.expansion) for lang in HTML_LANG
                for t in prepared.site.glossary.terms(lang)]
    return fingerprint(prepared.lang, repr(sorted(all_uris)), repr(glossary), files_fingerprint(watched))


# --- the conversions an engine may keep between builds (plugin/render_cache.py) ---
def conversion_context(packages: Iterable[str], extensions: list, extension_configs: dict, glossary_terms,
                       *settings) -> str:
    """Everything a page's conversion depends on that is not the page's own: this package's code, the
    versions of ``packages``, the Markdown extensions and their settings, the glossary's terms, and the
    engine's ``settings`` that change links (directory URLs, link validation)."""
    terms = [(t.slug, t.src_uri, tuple(t.names), t.expansion) for t in glossary_terms]
    return fingerprint(memo.code_version(), versions(*packages), extensions_signature(extensions, extension_configs),
                       repr(terms), repr(settings))


def too_deep(source: str) -> PipelineError:
    """A text nested deeper than Python can follow, said in French, naming its source."""
    return PipelineError(f"{source}: le texte est imbriqué trop profondément (listes, citations ou HTML dans "
                         "d'autres) pour être converti — simplifiez-le (infopsoc check signale les imbrications "
                         "de plus de 16 niveaux)")
