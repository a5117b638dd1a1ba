"""The engine-neutral pipeline: prepare (before the engine), finish (after it).

No module here imports an engine (MkDocs, Material, Zensical): a contract in pyproject.toml says so.
An engine adapter makes a :class:`Build` (``load``, then ``Build.prepare``), hands the pages to its engine
(in memory, or from the folder :func:`write_staging` writes), then calls ``Build.finish`` on the
written site: every output of ``registry.OUTPUTS``, through the one writer (``writer.SiteWriter``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infopsoc.content.model import Settings
    from infopsoc.pipeline.prepare import Prepared

#: the names this package gives, by the module that has them: imported when first asked for (the
#: command line imports ``pipeline.reuse`` alone, without the content's modules: ~0.1 s of every build)
_FROM = {"Build": "build", "write_staging": "staging",
         **{name: "prepare" for name in ("Loaded", "PipelineError", "Prepared", "PreparedPage", "cache_root",
                                         "docs_files", "load", "prepare")}}

__all__ = ["Build", "Loaded", "PipelineError", "Prepared", "PreparedPage", "cache_root", "docs_files", "load", "prepare",
           "prepare_language", "write_staging"]


def prepare_language(settings: Settings, lang: str, *, extensions: list, extension_configs: dict,
                     caches: Path | None = None) -> Prepared:
    """Load, check and prepare one language from the docs folder, without an engine.

    Raises :class:`PipelineError` with every problem when the content has errors."""
    from infopsoc.pipeline.prepare import PipelineError, cache_root, docs_files, load, prepare

    loaded, report = load(settings, lang, extensions=extensions, extension_configs=extension_configs,
                          caches=caches or cache_root(settings))
    if not report.errors:
        prepared = prepare(loaded, docs_files(settings))
        report.extend(prepared.report.problems)
    if report.errors:
        lines = [p.format() for p in report.errors + report.warnings]
        raise PipelineError("Le contenu a des erreurs :\n" + "\n".join(lines) + "\n" + report.summary())
    prepared.report = report
    return prepared


def __getattr__(name: str):
    if name in _FROM:
        return getattr(importlib.import_module(f"infopsoc.pipeline.{_FROM[name]}"), name)
    raise AttributeError(name)
