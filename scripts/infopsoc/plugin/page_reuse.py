"""MkDocs' side of the reused pages (pipeline/reuse.py): each page's render key, computed just before
its template would be rendered, and MkDocs' ``_build_page`` wrapped to skip the template of a page
the previous site holds (the one writer links it in :meth:`Build.finish`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import mkdocs.commands.build as mkdocs_build

from infopsoc.core import memo
from infopsoc.core.fingerprints import extensions_signature, files_fingerprint, fingerprint, versions
from infopsoc.pipeline.reuse import PREVIOUS_ENV, RECORDS_ENV, Reuse, global_key

PACKAGES = ("mkdocs", "mkdocs-material", "jinja2", "markupsafe", "markdown", "pymdown-extensions")
#: the configuration's entries that are not text (or change with each build: the staging folder)
_OWN_KEYS = ("site_dir", "plugins", "theme", "markdown_extensions", "mdx_configs", "hooks")
_ORIGINAL = mkdocs_build._build_page


def from_environment() -> Reuse | None:
    """The build's :class:`Reuse` when ``infopsoc build`` asked for one (its records file)."""
    records = os.environ.get(RECORDS_ENV)
    return Reuse(os.environ.get(PREVIOUS_ENV) or None, records) if records else None


def install(reuse: Reuse) -> None:
    """MkDocs' ``_build_page`` asks ``reuse`` for each page (:func:`uninstall` puts it back)."""
    keys = _Keys(reuse)

    def build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
        if dirty or excluded:
            return _ORIGINAL(page, config, doc_files, nav, env, dirty, excluded)
        try:
            return _ORIGINAL(page, config, doc_files, nav, _KeyedEnv(env, keys, page, config, nav), dirty, excluded)
        except _Reused:
            return None

    mkdocs_build._build_page = build_page


def uninstall() -> None:
    mkdocs_build._build_page = _ORIGINAL


class _Reused(BaseException):
    """Raised by a template's render when the previous site's file is taken: not an error (MkDocs'
    ``_build_page`` catches Exception only: it neither logs it nor writes the page)."""


class _Keys:
    def __init__(self, reuse: Reuse):
        self.reuse = reuse
        self._global: str | None = None
        self._time = True  # whether a template reads the build's time (set with _global)
        self._nav: tuple[object, str] | None = None

    def take(self, page, context: dict, template: str, config, nav) -> bool:
        if self._global is None:
            self._global, self._time = site_key(config)
        if self._nav is None or self._nav[0] is not nav:
            self._nav = (nav, _nav_signature(nav))
        key = page_key(page, context, template, self._nav[1], self._global, build_time=self._time)
        return self.reuse.take(page.file.dest_uri, key) is not None


class _KeyedEnv:
    def __init__(self, env, keys: _Keys, page, config, nav):
        self._env, self._keys, self._page, self._config, self._nav = env, keys, page, config, nav

    def get_template(self, name, *args, **kwargs):
        return _KeyedTemplate(self._env.get_template(name, *args, **kwargs), str(name), self)

    def __getattr__(self, name: str):
        return getattr(self._env, name)


class _KeyedTemplate:
    def __init__(self, template, name: str, env: _KeyedEnv):
        self._template, self._name, self._env = template, name, env

    def render(self, context):
        e = self._env
        if e._keys.take(e._page, context, self._name, e._config, e._nav):
            raise _Reused
        return self._template.render(context)

    def __getattr__(self, name: str):
        return getattr(self._template, name)


def _plain(value) -> str:
    """``value`` as text, without the addresses of objects (they change from one process to the next)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _toc(items) -> list:
    return [(i.title, i.id, i.level, _toc(i.children)) for i in items or []]


def _neighbour(page) -> str:
    return "" if page is None else _plain((page.title, page.url, page.file.src_uri, dict(page.meta or {})))


def _nav_signature(nav) -> str:
    """The whole navigation as the theme reads it (titles, addresses, the metadata of its pages)."""
    def item(node):
        meta = getattr(node, "meta", None)
        return (type(node).__name__, node.title, getattr(node, "url", None), _plain(dict(meta) if meta else None),
                bool(getattr(node, "is_index", False)), [item(c) for c in (node.children or [])])
    homepage = nav.homepage.url if nav.homepage is not None else None
    return fingerprint(_plain([item(i) for i in nav.items]), str(homepage))


#: the build's time as a template may read it (MkDocs' context and each page; SOURCE_DATE_EPOCH sets it,
#: and ``infopsoc build`` gives it the last commit's time)
_BUILD_TIME = re.compile(r"\b(build_date_utc|update_date)\b")


#: the answer of :func:`templates_read_build_time`, by what it reads: the theme's folders, the packages'
#: versions (Material's and MkDocs' templates) and the project's own templates (their bytes)
_READ_BUILD_TIME = memo.Memo("templates-read-build-time", limit=64)


def templates_read_build_time(theme) -> bool:
    """Whether a page template of the theme (Material's, the project's overrides) reads the build's time.
    None does (the sitemap does, and it is no page): a page is then not laid out again because the
    build's time changed, that is after each commit (every publication from the editor is one)."""
    for folder in theme.dirs:
        for path in Path(folder).rglob("*.html"):
            if _BUILD_TIME.search(path.read_text(encoding="utf-8", errors="replace")):
                return True
    return False


def page_key(page, context: dict, template: str, nav: str, site: str, build_time: bool = True) -> str:
    """Everything a page's template reads: the page (its converted content after the adapter's
    ``page_content``, toc, meta, title, addresses, neighbours, ancestors), the navigation's
    signature ``nav``, the rest of the template's context (the build's time only when ``build_time``:
    :func:`templates_read_build_time`) and the :func:`site_key` ``site``."""
    ancestors = [(type(a).__name__, a.title, getattr(a, "url", None)) for a in page.ancestors]
    left_out = ("page", "nav", "config", "pages") + (() if build_time else ("build_date_utc",))
    rest = {k: _plain(v) for k, v in context.items() if k not in left_out}
    return fingerprint(site, nav, template, page.file.src_uri, page.file.dest_uri, page.url, str(page.abs_url),
                       str(page.canonical_url), str(page.edit_url), str(page.title), str(page.is_homepage),
                       page.content or "", _plain(_toc(page.toc)), _plain(dict(page.meta)), str(bool(page.meta)),
                       _neighbour(page.previous_page), _neighbour(page.next_page), _plain(ancestors),
                       _plain(sorted(rest.items())))


def site_key(config) -> tuple[str, bool]:
    """What every page's template reads of the site: our code, the packages' versions, the theme (its
    settings and its folder's files), the configuration (config.extra included), the hooks, the language
    and the environment that changes the output; and whether a page template reads the build's time
    (:func:`templates_read_build_time`: ``SOURCE_DATE_EPOCH`` is part of the key only then)."""
    theme = config.theme
    folders = [Path(theme.custom_dir)] if theme.custom_dir else []
    packages, dirs = versions(*PACKAGES), _plain([str(d) for d in theme.dirs])
    own_files = files_fingerprint(folders + [Path(m.__file__) for m in (config.hooks or {}).values()], by_content=True)
    build_time = _READ_BUILD_TIME.get(fingerprint(dirs, packages, own_files), lambda: templates_read_build_time(theme))
    settings = sorted((k, _plain(v)) for k, v in config.items() if k not in _OWN_KEYS)
    plugins = [(name, _plain(sorted(dict(getattr(plugin, "config", None) or {}).items())))
               for name, plugin in config.plugins.items()]
    environment = sorted((k, v) for k, v in os.environ.items()
                         if (k.startswith("INFOPSOC_") and k not in (PREVIOUS_ENV, RECORDS_ENV))
                         or (k == "SOURCE_DATE_EPOCH" and build_time))
    mask = os.umask(0o022)  # the new files' permissions (a reused file keeps its own)
    os.umask(mask)
    return global_key(memo.code_version(), packages, oct(mask), theme.name or "", _plain(sorted(dict(theme).items())),
                      dirs, own_files, _plain(settings), _plain(plugins),
                      extensions_signature(config.markdown_extensions, config.mdx_configs), _plain(environment)), build_time


