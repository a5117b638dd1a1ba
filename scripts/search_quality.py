"""How often the site's search puts the right page first, against Material's lunr and Pagefind on the
same pages, and what a first search costs in bytes (run by `make bench`; issue 31).

    python scripts/search_quality.py                  # the real site, tests/search_queries.yml
    python scripts/search_quality.py --bulletins 1000 # bytes only, on bench.py's synthetic archive

The real site's sources are built three times in a temporary folder, French site only counted:
- ours: the project as it is (outputs/search.py's index, the search page's script);
- lunr: the same project with Material's `search` plugin added (the pages are ours, the index
  Material's); queried through Material's own search worker, with the query transformed as
  Material's search box does;
- Pagefind (npm `pagefind`, installed by `make bench` in tools/bench): run on ours' built pages,
  once as it comes (`default`) and once on the article only (`article`: `--root-selector article`).

Each query runs in a fresh Chromium page (headless, the machine's), nothing cached. A result
counts as right when its page (the address without its #anchor) is one of the query's `expect`;
a query whose `expect` is empty must find nothing: it counts as right when the engine shows no
result. P@1: the first result is right; P@3: one of the first three is. Bytes: every file of the
index and the search script that the search page fetched for the query (gzip, as GitHub Pages
sends them), median and worst over the queries.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))
PAGEFIND = REPO / "tools" / "bench" / "node_modules" / "pagefind" / "lib" / "runner" / "bin.cjs"
QUERIES = REPO / "tests" / "search_queries.yml"


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def _gzip(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def _copy_project(target: Path) -> Path:
    """The project's sources in ``target`` (what a build reads)."""
    for name in ("content", "data", "theme", "glossary", "bulletins", "timeline"):
        shutil.copytree(REPO / name, target / name)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, target / name)
    return target


def build(tree: Path, site: Path, lunr: bool = False) -> None:
    from bench import ENV, run

    if lunr:  # Material's own search, beside ours (the plugin keeps working with it)
        config = tree / "mkdocs.yml"
        config.write_text(re.sub(r"^plugins:\n", "plugins:\n  - search\n", config.read_text(encoding="utf-8"),
                                 count=1, flags=re.MULTILINE), encoding="utf-8")
    run([sys.executable, "-m", "mkdocs", "build", "-f", str(tree / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=tree, env=dict(ENV, INFOPSOC_PDF="0"))


def pagefind(site: Path, out: str, article: bool) -> None:
    args = ["node", str(PAGEFIND), "--site", str(site), "--output-subdir", out]
    if article:
        args += ["--root-selector", "article"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def _page(url: str) -> str:
    """A result's page: its path without origin, query or anchor."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url).split("#")[0].split("?")[0]
    return path if path.endswith("/") else path + "/"


# Material's search box turns "a phrase" into +a +phrase (src/templates/assets/javascripts/
# components/search/query/transform): the same before the worker gets it.
_LUNR = """
async ([workerUrl, indexUrl, queries]) => {
  const index = await (await fetch(indexUrl)).json();
  const worker = new Worker(workerUrl);
  const next = () => new Promise(resolve => worker.addEventListener("message", e => resolve(e.data), {once: true}));
  worker.postMessage({type: 0, data: {...index, options: {suggest: false}}});
  await next();
  const transform = q => q.split(/"([^"]+)"/g).map((t, i) => i & 1 ? t.replace(/^\\b|^(?![^\\x00-\\x7F]|$)|\\s+/g, " +") : t)
    .join("").replace(/"|(?:^|\\s+)[*+\\-:^~]+(?=\\s+|$)/g, "").trim();
  const out = {};
  for (const q of queries) {
    worker.postMessage({type: 2, data: transform(q.replace(/[«»]/g, '"'))});
    const answer = await next();
    out[q] = answer.data.items.map(group => group[0].location);
  }
  return out;
}
"""

_PAGEFIND = """
async ([bundle, queries]) => {
  const pf = await import(bundle + "pagefind.js");
  await pf.init();
  const out = {};
  for (const q of queries) {
    const found = await pf.search(q.replace(/[«»]/g, '"'));
    const first = await Promise.all(found.results.slice(0, 3).map(r => r.data()));
    out[q] = first.map(d => d.url);
  }
  return out;
}
"""


def measure_site(ours_site: Path, lunr_site: Path | None, queries: list[str], pagefind_dirs: dict[str, str]) -> dict:
    """Each engine's first results for each query (addresses), and our bytes per query."""
    from playwright.sync_api import sync_playwright
    from site_checks import CHROMIUM, CHROMIUM_ARGS, LocalServer
    from infopsoc.core.urls import SEARCH_BUNDLE

    found: dict = {"ours": {}, "bytes": {}, "status": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with LocalServer(ours_site) as server:
                for query in queries:
                    context = browser.new_context()
                    page = context.new_page()
                    seen = []
                    page.on("response", lambda r: (f"/{SEARCH_BUNDLE}/" in r.url or "infopsoc-search" in r.url)
                            and seen.append(r))
                    page.goto(f"{server.origin}/recherche/")
                    page.wait_for_load_state("networkidle")
                    page.fill("#ip-search-input", query)
                    page.press("#ip-search-input", "Enter")
                    page.wait_for_function("() => { const s = document.getElementById('ip-search-status').textContent;"
                                           " return s && !/Recherche en cours|Searching/.test(s); }")
                    page.wait_for_load_state("networkidle")
                    found["ours"][query] = [_page(a) for a in page.eval_on_selector_all(
                        ".ip-search__title a", "links => links.map(a => a.href)")]
                    found["status"][query] = page.text_content("#ip-search-status")
                    found["bytes"][query] = sum(_gzip(r.body()) for r in seen if r.ok)
                    context.close()
                for name, sub in pagefind_dirs.items():
                    page = browser.new_page()
                    page.goto(f"{server.origin}/")
                    answer = page.evaluate(_PAGEFIND, [f"/{sub}/", queries])
                    found[f"pagefind {name}"] = {q: [_page(u) for u in urls] for q, urls in answer.items()}
                    page.close()
            if lunr_site is not None:
                with LocalServer(lunr_site) as server:
                    page = browser.new_page()
                    page.goto(f"{server.origin}/")
                    worker = page.evaluate("() => [...document.scripts].map(s => s.src)")  # noqa: F841
                    worker_file = next((lunr_site / "assets" / "javascripts" / "workers").glob("search.*.min.js")).name
                    answer = page.evaluate(_LUNR, [f"/assets/javascripts/workers/{worker_file}",
                                                    "/search/search_index.json", queries])
                    found["lunr"] = {q: [_page("/" + u) for u in urls] for q, urls in answer.items()}
                    page.close()
        finally:
            browser.close()
    return found


def precision(results: dict[str, list[str]], expected: list[dict]) -> dict:
    """P@1 and P@3 over the queries, and the queries each misses."""
    at1 = at3 = 0
    misses = []
    for item in expected:
        got = results.get(item["q"], [])
        want = set(item["expect"])
        if not want:
            ok1 = ok3 = not got
        else:
            ok1 = bool(got) and got[0] in want
            ok3 = any(page in want for page in got[:3])
        at1 += ok1
        at3 += ok3
        if not ok1:
            misses.append({"q": item["q"], "got": got[:3], "at3": ok3})
    n = len(expected) or 1
    return {"p1": at1 / n, "p3": at3 / n, "misses": misses}


def real_site(keep: bool = False) -> dict:
    queries = load_queries()
    root = Path(tempfile.mkdtemp(prefix="infopsoc-search-quality-"))
    try:
        build(_copy_project(root / "ours"), root / "site")
        build(_copy_project(root / "lunr"), root / "site-lunr", lunr=True)
        pagefind_dirs = {}
        if PAGEFIND.is_file():
            for name, article in (("default", False), ("article", True)):
                pagefind(root / "site", f"pagefind-{name}", article)
                pagefind_dirs[name] = f"pagefind-{name}"
        found = measure_site(root / "site", root / "site-lunr", [q["q"] for q in queries], pagefind_dirs)
        engines = {name: precision(found[name], queries) for name in ("ours", "lunr", *(f"pagefind {n}" for n in pagefind_dirs))}
        sizes = list(found["bytes"].values())
        return {"queries": len(queries), "engines": engines, "results": found,
                "bytes": {"median": statistics.median(sizes), "worst": max(sizes),
                          "worst_query": max(found["bytes"], key=found["bytes"].get)}}
    finally:
        if keep:
            print(f"dossier conservé : {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


#: queries of the synthetic archive (bench.py): words of every bulletin, of a few, acronyms, a typo,
#: a phrase, several words, nothing
SYNTHETIC_QUERIES = ("financement", "du", "consultation organismes", "finacement", '"section 2"', "PSOC",
                     "regroupement régional", "kangourou", "numéro", "communautaire mission financement")


def synthetic(bulletins: int, keep: bool = False) -> dict:
    """Bytes of a first search on bench.py's synthetic archive of ``bulletins`` issues."""
    import bench

    root = Path(tempfile.mkdtemp(prefix="infopsoc-search-bytes-"))
    try:
        tree = bench.generate(root, bulletins, 150, 150)
        build(tree["ours"], root / "site")
        queries = [*SYNTHETIC_QUERIES, tree["synthetic_terms"][0], tree["synthetic_terms"][0][:-1] + "Z"]
        found = measure_site(root / "site", None, queries, {})
        sizes = found["bytes"]
        return {"bulletins": bulletins, "bytes": sizes, "status": found["status"],
                "median": statistics.median(sizes.values()), "worst": max(sizes.values()),
                "worst_query": max(sizes, key=sizes.get)}
    finally:
        if keep:
            print(f"dossier conservé : {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bulletins", type=int, help="bytes only, on a synthetic archive of this many bulletins")
    parser.add_argument("--out", type=Path, default=REPO / "search-quality.json")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    began = time.perf_counter()
    if args.bulletins:
        result = synthetic(args.bulletins, args.keep)
        for query, size in result["bytes"].items():
            print(f"{size / 1024:6.1f} kB  {query!r}  ({result['status'][query]})")
        print(f"first search, {args.bulletins} bulletins: median {result['median'] / 1024:.1f} kB gzip, "
              f"worst {result['worst'] / 1024:.1f} kB ({result['worst_query']!r})")
    else:
        result = real_site(args.keep)
        print(f"{result['queries']} queries")
        print("| engine, same pages | P@1 | P@3 |\n|---|---|---|")
        for name, figures in result["engines"].items():
            print(f"| {name} | {figures['p1']:.2f} | {figures['p3']:.2f} |")
        print(f"first search (ours): median {result['bytes']['median'] / 1024:.1f} kB gzip, worst "
              f"{result['bytes']['worst'] / 1024:.1f} kB ({result['bytes']['worst_query']!r})")
        for name, figures in result["engines"].items():
            for miss in figures["misses"]:
                print(f"  {name}: {miss['q']!r} -> {miss['got']}{' (top 3)' if miss['at3'] else ''}")
    result["seconds"] = time.perf_counter() - began
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"durée {result['seconds']:.0f} s ; résultats : {args.out}")


if __name__ == "__main__":
    main()
