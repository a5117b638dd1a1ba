"""Making the PDFs of a build: cache lookups, long-lived worker processes, publishing.

``render_pdfs`` renders the documents that are not in the cache, in parallel on worker processes
(which build the print documents and write the cache themselves, longest bulletin first, each
decoding the fonts once); ``EarlyPdfs`` starts a bulletin's PDF as soon as its page is converted;
``make_pdfs`` gathers them for a build (the pipeline's writer puts them at ``pdf/<slug>.pdf``).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from infopsoc.content.bulletins import Bulletin
from infopsoc.content.model import Site
from infopsoc.core.urls import pdf_path
from infopsoc.outputs.pdf.cache import Cache, PdfFile, write_atomic
from infopsoc.outputs.pdf.document import PrintDocument, print_html, source_key
from infopsoc.outputs.pdf.weasy import limit_worker_memory, out_of_memory, render, too_large


@dataclass
class RenderReport:
    pdfs: dict[str, PdfFile] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)
    from_cache: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _get_pool(size: int) -> ProcessPoolExecutor:
    """Long-lived workers (a new Python costs ~1 s, a warm page ~50 ms), kept across rebuilds."""
    global _pool, _pool_size
    if _pool is None or _pool_size < size:
        if _pool is not None:
            _pool.shutdown()
        # --- reliability --- each worker's memory is bounded (weasy.WORKER_MEMORY)
        _pool = ProcessPoolExecutor(max_workers=size, mp_context=_forkserver_context(),
                                    initializer=limit_worker_memory)
        _pool_size = size
    return _pool


def warm_up() -> None:
    """Start the process the workers are forked from, now: it loads Python and WeasyPrint (half a
    second) on the other core while the build converts its pages, instead of when the first PDF
    is asked for, which would wait for it. No worker is started (a build that fails at once
    leaves nothing half-started), and a build that makes no PDF only lent it the other core."""
    _forkserver_context()
    multiprocessing.forkserver.ensure_running()


def _forkserver_context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["infopsoc.outputs.pdf.preload"])  # WeasyPrint, when it loads
    return context


def shutdown() -> None:
    global _pool, _pool_size
    if _pool is not None:
        _pool.shutdown()
    _pool, _pool_size = None, 0


@dataclass(frozen=True)
class PrintJob:
    """A bulletin whose PDF is not in the cache under its ``source_key``: the worker that takes it
    builds its print document itself, so the build's process does not spend ~30 ms per bulletin
    on it before the workers can start."""

    bulletin: Bulletin
    rendered: str
    site_url: str
    author: str
    lang: str
    source: str

    @property
    def slug(self) -> str:
        return self.bulletin.slug

    def document(self) -> PrintDocument:
        return print_html(self.bulletin, self.rendered, site_url=self.site_url, author=self.author, lang=self.lang)


@dataclass
class _Outcome:
    slug: str
    lang: str
    path: str | None   # the file in the cache (or the warned render beside it); None: no PDF made
    rendered: bool     # False: found in the cache by its print document
    warnings: list[str]


def _make(item: "PrintDocument | PrintJob", source: str | None, site_url: str, files: dict[str, str],
          cache_folder: str) -> _Outcome:
    """One bulletin's PDF, in the cache: where the work happens (a worker, or the build's process)."""
    cache = Cache(Path(cache_folder))
    document = item.document() if isinstance(item, PrintJob) else item
    hit = cache.get(document, files) if isinstance(item, PrintJob) else None
    if hit is not None:
        if source:
            cache.set_source(document, source)
        return _Outcome(document.slug, document.lang, str(hit), False, [])
    # --- reliability --- (a document too large for the memory bound is never laid out)
    named = item.bulletin.source.rel if isinstance(item, PrintJob) else None
    problem = too_large(document, named)
    if problem:
        return _Outcome(document.slug, document.lang, None, True, [problem])
    try:
        rendered = render(document, site_url, files)
    except MemoryError:
        return _Outcome(document.slug, document.lang, None, True, [out_of_memory(document, named)])
    if rendered.warnings:
        # not cached: the next build shows the same warnings again
        path = cache.folder / document.lang / f".{document.slug}.warned.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, rendered.pdf)
    else:
        path = cache.put(document, rendered, source)
    return _Outcome(document.slug, document.lang, str(path), True, rendered.warnings)


def _weight(item: "PrintDocument | PrintJob") -> int:
    return len(item.rendered if isinstance(item, PrintJob) else item.html)


def render_pdfs(documents: Iterable["PrintDocument | PrintJob"], *, site_url: str, files: dict[str, str],
                cache: Cache, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                sources: dict[str, str] | None = None) -> RenderReport:
    """The PDF of every document: from the cache when nothing that shapes it changed, rendered
    otherwise (in parallel when there are several). Renders with warnings are not cached.
    ``sources`` (slug -> ``source_key``) is recorded with each PDF for ``Cache.get_by_source``.

    The workers build the print documents of ``PrintJob`` items, look them up in the cache, render
    and write the cache themselves; only paths come back. The longest go first, so that both
    workers finish together."""
    sources = sources or {}
    report = RenderReport()
    todo: list[PrintDocument | PrintJob] = []
    for item in documents:
        hit = None if isinstance(item, PrintJob) else cache.get(item, files)
        if hit is None:
            todo.append(item)
        else:
            report.from_cache.append(item.slug)
            report.pdfs[item.slug] = _pdf_file(item.slug, item.lang, hit)
            if item.slug in sources:
                cache.set_source(item, sources[item.slug])
    todo.sort(key=lambda item: (-_weight(item), item.lang, item.slug))

    def source_of(item) -> str | None:
        return item.source if isinstance(item, PrintJob) else sources.get(item.slug)

    outcomes: list[_Outcome] = []
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if len(todo) == 1 and _pool is not None and "weasyprint" not in sys.modules:
        workers = _pool_size  # one bulletin, and only the workers have WeasyPrint loaded: there
    if progress and todo:
        progress(0, len(todo))
    if workers <= 1:
        for i, item in enumerate(todo, 1):
            outcomes.append(_make(item, source_of(item), site_url, files, str(cache.folder)))
            if progress:
                progress(i, len(todo))
    elif todo:
        pool = _get_pool(workers)
        try:
            futures = {pool.submit(_make, item, source_of(item), site_url, files, str(cache.folder)):
                       (item.slug, item.lang, source_of(item)) for item in todo}
        except BrokenProcessPool:
            shutdown()  # not kept for the next build
            raise
        for i, outcome in enumerate(_results(futures), 1):
            outcomes.append(outcome)
            if progress:
                progress(i, len(todo))

    for outcome in sorted(outcomes, key=lambda o: (o.lang, o.slug)):
        _add_outcome(report, outcome)
    report.from_cache.sort()
    report.pdfs = dict(sorted(report.pdfs.items()))
    return report


def _results(futures: dict[Future, tuple[str, str, "str | None"]]) -> Iterator["_Outcome"]:
    """The workers' outcomes as they finish (``futures``: each one's bulletin slug, language and source file); on
    a failure the others are cancelled. A worker that died (the system stopped it: memory) fails
    the PDFs it had with a French message instead, and its pool is not kept for the next build."""
    broken = False
    try:
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                broken = True
                slug, lang, source = futures[future]
                yield _Outcome(slug, lang, None, True, [out_of_memory(slug, source)])
    except Exception as error:
        for future in futures:
            future.cancel()
        if isinstance(error, BrokenProcessPool):
            shutdown()
        raise
    if broken:
        shutdown()


def _add_outcome(report: RenderReport, outcome: "_Outcome") -> None:
    report.warnings += [(outcome.slug, message) for message in outcome.warnings]
    if outcome.path is None:  # no PDF (too large): the bulletin's page has no PDF link
        return
    (report.rendered if outcome.rendered else report.from_cache).append(outcome.slug)
    report.pdfs[outcome.slug] = _pdf_file(outcome.slug, outcome.lang, Path(outcome.path))


def _pdf_file(slug: str, lang: str, cached: Path) -> PdfFile:
    return PdfFile(slug=slug, lang=lang, path=pdf_path(slug), length=cached.stat().st_size, cached=cached)


def terminal_progress(stream=None) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal's stderr; None elsewhere (logs, CI)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        stream.write(f"\rPDF [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def _lookup(cache: Cache, bulletin: Bulletin, rendered: str, site_url: str, author: str, lang: str,
            files: dict[str, str]) -> tuple[Path | None, PrintJob | None]:
    """The bulletin's PDF in the cache under its ``source_key``; otherwise the job that makes it."""
    source = source_key(bulletin, rendered, site_url=site_url, author=author, lang=lang)
    hit = cache.get_by_source(lang, bulletin.slug, source, files)
    if hit is not None:
        return hit, None
    return None, PrintJob(bulletin, rendered, site_url, author, lang, source)


# --- performance ---
class EarlyPdfs:
    """PDFs started while the build goes on.

    A bulletin's PDF can be made as soon as its page is converted, long before the build
    needs it (the page's PDF link shows the file's size). :meth:`start` looks the bulletin up
    in the cache at once and, when it is not there, hands it to a worker process: the
    rendering takes the other core while the build converts the other pages.
    :func:`make_pdfs` then only waits for what is still running.
    """

    def __init__(self, *, site_url: str, author: str, lang: str, cache_dir: Path):
        self.site_url, self.author, self.lang = site_url, author, lang
        self.cache = Cache(cache_dir)
        self.hits: dict[str, Path] = {}
        self.running: dict[str, Future] = {}
        self.sources: dict[str, str] = {}  # each running PDF's source file, for a message if its worker dies

    def start(self, bulletin: Bulletin, rendered: str, files: dict[str, str]) -> None:
        hit, job = _lookup(self.cache, bulletin, rendered, self.site_url, self.author, self.lang, files)
        if hit is not None:
            self.hits[bulletin.slug] = hit
            return
        try:
            self.running[bulletin.slug] = _get_pool(os.cpu_count() or 1).submit(
                _make, job, job.source, self.site_url, files, str(self.cache.folder))
            self.sources[bulletin.slug] = job.source
        except BrokenProcessPool:
            shutdown()  # make_pdfs renders it, in a new pool

    def finish(self, report: RenderReport) -> RenderReport:
        """Wait for the PDFs still running and add them to ``report`` (that of :func:`make_pdfs`)."""
        futures = {future: (slug, self.lang, self.sources.get(slug)) for slug, future in self.running.items()}
        self.running = {}
        for outcome in _results(futures):
            _add_outcome(report, outcome)
        return _sorted(report)

    def cancel(self) -> None:
        for future in self.running.values():
            future.cancel()
        self.running.clear()


def _sorted(report: RenderReport) -> RenderReport:
    """One language's report in slug order (the outcomes came as the workers finished)."""
    report.rendered.sort()
    report.warnings.sort(key=lambda warning: warning[0])  # a PDF's own messages keep their order
    report.from_cache.sort()
    report.pdfs = dict(sorted(report.pdfs.items()))
    return report


def make_pdfs(site: Site, rendered: dict[str, str], *, lang: str, author: str, files: dict[str, str],
              cache_dir: Path, early: EarlyPdfs | None = None, wait: bool = True) -> RenderReport:
    """The PDF of every published bulletin of ``lang`` whose rendered HTML is known.

    ``files`` maps each path of the site to its file on disk (what the fetcher may serve).
    A PDF cached under the bulletin's ``source_key`` is taken as it is; the others are
    ``PrintJob``s for ``render_pdfs``. ``early``: the PDFs already looked up or started;
    with ``wait=False``, those still running are left to ``early.finish``.
    """
    site_url = site.settings.site_url
    cache = Cache(cache_dir)
    hits: dict[str, Path] = {}
    jobs = []
    for b in site.bulletins_in(lang):
        if b.slug not in rendered:
            continue
        if early is not None and b.slug in early.hits:
            hits[b.slug] = early.hits[b.slug]
            continue
        if early is not None and b.slug in early.running:
            continue
        hit, job = _lookup(cache, b, rendered[b.slug], site_url, author, lang, files)
        if hit is not None:
            hits[b.slug] = hit
        else:
            jobs.append(job)
    report = render_pdfs(jobs, site_url=site_url, files=files, cache=cache, progress=terminal_progress())
    for slug, path in hits.items():
        report.from_cache.append(slug)
        report.pdfs[slug] = _pdf_file(slug, lang, path)
    if early is not None and wait:
        return early.finish(report)
    return _sorted(report)
