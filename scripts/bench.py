#!/usr/bin/env python3
"""Performance benchmark of Info-PSOC at 300 bulletins (`make bench`); not a test.

Generates a synthetic archive in a temporary folder (300 bulletins of about 1 500 words with
glossary acronyms, footnotes, a table and an admonition each; 150 glossary terms; 150 timeline
events), then measures, in one run, each figure against its reference:

1. full build, PDFs already cached      vs  a bare Material build of the same Markdown
2. rebuild after editing one bulletin   vs  the same bare build (and exactly one PDF rendered)
3. cold PDF rendering of every issue    vs  WeasyPrint rendering the same HTML, one after another: as it
   comes (its fetcher only serves the site's files), and with the project's fetcher (fonts unwrapped
   once per process, which borrows one of the project's own savings)
4. one PDF, warm                        vs  WeasyPrint's own render of that HTML
5. `serve`: saving a bulletin -> the page served with the new text
6. peak memory of the full build
7. Lighthouse per page kind (when `lighthouse` and Chromium are available)
8. search, in Chromium (`--only search` runs this part alone, e.g. at `--bulletins 1000`): bytes a
   page fetches before any search, bytes and time of a first search (the worst cases, a word of
   every bulletin and a word every page is made of, and an acronym of one bulletin in seven),
   builds without PDFs with an empty cache, unchanged and after editing one bulletin, Lighthouse
   on the search page
                                        vs  Material's search (lunr) on the same pages
9. (engines) the Zensical build of the same archive, every page converted and unchanged
   (`--only zensical` runs it alone)    vs  MkDocs' same builds, and the bare Material build
10. `infopsoc build` with nothing changed (and after one edit)
                                        vs  Hugo's full build of the same Markdown (Debian's `hugo`,
   installed by `make bench`; `--only cli --bulletins 1000` measures both references at 1000)

Prints a table and writes it as JSON to bench-results.json (git-ignored).
Usage: python scripts/bench.py [--bulletins 300] [--repeat 2] [--keep] [--out bench-results.json]
       python scripts/bench.py --only search --bulletins 1000
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
ENV.pop("INFOPSOC_PDF", None)
ENV.pop("PYTHONPYCACHEPREFIX", None)  # as `make build` runs it: the package's bytecode beside it (Makefile)


def compile_bytecode(package: Path) -> None:
    """Compile ``package``'s bytecode as `make build` does before it builds (Makefile: BYTECODE)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=ENV,
                   stdout=subprocess.DEVNULL, check=False)

WORDS = ("organisme communautaire financement mission région table regroupement ministère santé services "
         "sociaux programme soutien consultation brochure révision orientations représentation politique "
         "rencontre délégation document échéancier processus comité membres milieu action autonome "
         "reconnaissance entente subvention rehaussement indexation population besoins réseau établissement "
         "national régional démarche analyse enjeu position revendication campagne mobilisation lettre "
         "annonce budget année automne printemps hiver été suivi bilan travail groupe dossier").split()


# --- the synthetic archive ---------------------------------------------------------------------

def _acronyms(count: int) -> list[str]:
    letters = "ABCDEFGHJKLMNPRSTUVWXZ"
    names = []
    for a in letters:
        for b in letters:
            names.append(f"Q{a}{b}X")
            if len(names) == count:
                return names
    return names


def _sentence(rng: random.Random, terms: list[str], n_words: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n_words)]
    for _ in range(max(1, n_words // 15)):
        words[rng.randrange(1, n_words)] = rng.choice(terms)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, terms: list[str], words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(12, 24)
        out.append(_sentence(rng, terms, n))
        count += n
    return " ".join(out)


#: Info-PSOC #3, the real one: 1 563 words, 87 occurrences of 20 distinct glossary terms. Each synthetic
#: issue draws its acronyms from its own 20 (about one word in fifteen), all 150 used across the archive.
TERMS_PER_ISSUE = 20


def bulletin_body(number: int, terms: list[str], marker: str = "") -> str:
    """About 1 500 words: six sections, two footnotes, a table, an admonition."""
    rng = random.Random(number)
    terms = random.Random(-number).sample(terms, min(TERMS_PER_ISSUE, len(terms)))
    parts = []
    for s in range(6):
        parts.append(f"## Section {s + 1} du numéro {number} {{#section-{s + 1}}}")
        for _ in range(2):
            parts.append(_paragraph(rng, terms, 120))
        if s == 1:
            parts.append(_paragraph(rng, terms, 30) + "[^1]")
        if s == 3:
            parts.append(_paragraph(rng, terms, 30) + "[^2]")
        if s == 2:
            parts.append("| Région | Organismes | Montant |\n|---|---:|---:|")
            parts += [f"| {rng.choice(WORDS)} | {rng.randint(10, 300)} | {rng.randint(1, 900)} 000 $ |" for _ in range(6)]
        if s == 4:
            parts.append(f'!!! note "À retenir"\n\n    {_paragraph(rng, terms, 40)}')
    if marker:
        parts.append(marker)
    parts.append(f"[^1]: {_paragraph(rng, terms, 20)}")
    parts.append(f"[^2]: {_paragraph(rng, terms, 20)}")
    return "\n\n".join(parts) + "\n"


# the first issue's year: 1996, or earlier for an archive too large to end before today (--bulletins 1000)
_FIRST_YEAR = [1996]


def _bulletin_meta(number: int) -> dict:
    year, month = _FIRST_YEAR[0] + (number - 1) // 12, (number - 1) % 12 + 1
    return {"title": f"Bulletin synthétique numéro {number}", "date": f"{year}-{month:02d}",
            "summary": f"Résumé du numéro {number} : consultation, financement et représentations."}


def slug_of(number: int) -> str:
    return f"info-psoc-{number:02d}"


def generate(root: Path, n_bulletins: int, n_terms: int, n_events: int) -> dict:
    """The project tree (ours) and the bare tree (same Markdown, no plugin); returns a description."""
    ours, bare = root / "ours", root / "bare"
    _FIRST_YEAR[0] = min(1996, 2024 - (n_bulletins - 1) // 12)
    for name in ("content", "data", "theme", "glossary"):
        shutil.copytree(REPO / name, ours / name)
    shutil.copy(REPO / "mkdocs.yml", ours / "mkdocs.yml")
    real_terms = sorted((ours / "glossary").glob("*.md"))
    real_fr = [p for p in real_terms if not p.name.endswith(".en.md")]
    synthetic = _acronyms(max(0, n_terms - len(real_fr)))
    for name in synthetic:
        (ours / "glossary" / f"{name.lower()}.md").write_text(
            f"---\nterm: {name}\nexpansion: \"Sigle synthétique {name}\"\n---\n"
            f"{_paragraph(random.Random(name), ['PSOC'], 60)}\n", encoding="utf-8")
    (ours / "bulletins").mkdir()
    for n in range(1, n_bulletins + 1):
        meta = _bulletin_meta(n)
        (ours / "bulletins" / f"{slug_of(n)}.md").write_text(
            f"---\nnumber: {n}\ntitle: \"{meta['title']}\"\ndate: {meta['date']}\nsummary: \"{meta['summary']}\"\n"
            f"topics:\n  - Financement\n  - Consultation\n---\n\n{bulletin_body(n, synthetic)}", encoding="utf-8")
    (ours / "timeline").mkdir()
    for e in range(1, n_events + 1):
        rng = random.Random(10_000 + e)
        cited = slug_of(rng.randint(1, n_bulletins))
        terms = sorted({rng.choice(synthetic), rng.choice(synthetic)})
        date = f"{1973 + e % 50}-{e % 12 + 1:02d}"
        (ours / "timeline" / f"{date}-evenement-{e:03d}.md").write_text(
            f"---\ndate: {date}\ntitle: \"Événement synthétique {e}\"\nsources:\n"
            f"  - bulletin: {cited}\n  - citation: \"Document synthétique {e}\"\nterms: [{', '.join(terms)}]\n---\n"
            f"{_paragraph(rng, synthetic, 50)}\n", encoding="utf-8")

    # The bare tree: the same Markdown as plain pages, the same mkdocs.yml minus our plugin.
    docs = bare / "docs"
    shutil.copytree(REPO / "content", docs, ignore=shutil.ignore_patterns("*.en.md", "recherche.md"))  # French build
    # Material's own templates with our assets (CSS, fonts, images): the overrides that need the
    # plugin (language switcher, feeds, meta, sitemap with hreflang) are part of what ours costs.
    shutil.copytree(REPO / "theme" / "assets", bare / "theme" / "assets")
    (bare / "theme" / "partials").mkdir()
    shutil.copy(REPO / "theme" / "partials" / "logo.html", bare / "theme" / "partials" / "logo.html")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^  - infopsoc:\n(?:    .*\n|\s*\n)+", "", config, flags=re.MULTILINE)
    # --- search --- the reference keeps Material's own search (lunr), which ours replaced
    config = re.sub(r"^plugins:\n", "plugins:\n  - search\n", config, count=1, flags=re.MULTILINE)
    config = re.sub(r"^extra:\n  alternate: true\n", "", config, flags=re.MULTILINE)
    config = config.replace("docs_dir: content", "docs_dir: docs")
    config += "\nnot_in_nav: |\n  /bulletins/\n  /glossaire/\n  /chronologie/\n"
    (bare / "mkdocs.yml").write_text(config, encoding="utf-8")
    (docs / "bulletins").mkdir()
    index = ["# Bulletins", ""]
    for n in range(n_bulletins, 0, -1):
        meta = _bulletin_meta(n)
        (docs / "bulletins" / f"{slug_of(n)}.md").write_text(
            f"# {meta['title']}\n\n{meta['summary']}\n\n{bulletin_body(n, synthetic)}", encoding="utf-8")
        index.append(f"- [{meta['title']}]({slug_of(n)}.md) — {meta['date']}")
    (docs / "bulletins" / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (docs / "glossaire").mkdir()
    index = ["# Glossaire", ""]
    for path in real_fr + [ours / "glossary" / f"{n.lower()}.md" for n in synthetic]:
        text = path.read_text(encoding="utf-8")
        _, head, body = text.split("---", 2)
        term = re.search(r"^term:\s*(.+)$", head, re.M).group(1).strip().strip('"')
        (docs / "glossaire" / path.name).write_text(f"# {term}\n\n{body.strip()}\n", encoding="utf-8")
        index.append(f"- [{term}]({path.name})")
    (docs / "glossaire" / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (docs / "chronologie").mkdir()
    timeline = ["# Chronologie", ""]
    for path in sorted((ours / "timeline").glob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---", 2)
        title = re.search(r"^title:\s*\"(.+)\"$", head, re.M).group(1)
        timeline += [f"## {title}", "", body.strip(), ""]
    (docs / "chronologie" / "index.md").write_text("\n".join(timeline), encoding="utf-8")
    hugo = hugo_tree(bare, root / "hugo", n_bulletins)
    return {"ours": ours, "bare": bare, "hugo": hugo, "terms": len(real_fr) + len(synthetic),
            "synthetic_terms": synthetic}


# --- Hugo --- (the issue's anchor: Hugo's full build of the same Markdown, Debian's `hugo`,
# installed by `make bench`: tools/system/install.sh bench)

#: a small theme of Hugo's own templates: every page in a layout with the site's menu, its table of
#: contents and its text; each section lists its pages; Hugo's RSS and sitemap as it makes them
HUGO_LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html>\n<html lang="{{ site.LanguageCode }}">\n<head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{{ .Title }} · {{ site.Title }}</title>\n"
        '<link rel="stylesheet" href="{{ "assets/stylesheets/infopsoc.css" | relURL }}">\n'
        '{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">'
        "{{ end }}\n</head>\n<body>\n<header><a href=\"{{ \"/\" | relURL }}\">{{ site.Title }}</a>\n<nav><ul>"
        '{{ range site.Menus.main }}<li><a href="{{ .URL | relURL }}">{{ .Name }}</a></li>{{ end }}</ul></nav></header>\n'
        "<main>{{ block \"main\" . }}{{ end }}</main>\n<footer>{{ site.Title }}</footer>\n</body>\n</html>\n"),
    "_default/single.html": (
        '{{ define "main" }}<aside>{{ .TableOfContents }}</aside>\n<article>{{ .Content }}</article>\n'
        '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}\n'
        '{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}\n'),
    "_default/list.html": (
        '{{ define "main" }}<article>{{ .Content }}</article>\n<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}\n'),
}


def hugo_tree(bare: Path, hugo: Path, n_bulletins: int) -> Path:
    """The bare tree's Markdown as a Hugo site: each file with a front matter (its first heading as its
    title; a bulletin's date), ``index.md`` as a section's ``_index.md``, the site's assets as static files."""
    docs, content = bare / "docs", hugo / "content"
    dates = {f"{slug_of(n)}.md": _bulletin_meta(n)["date"] + "-01" for n in range(1, n_bulletins + 1)}
    for source in sorted(docs.rglob("*.md")):
        rel = source.relative_to(docs)
        target = content / rel.with_name("_index.md" if rel.name == "index.md" else rel.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.MULTILINE)
        title = heading.group(1).strip() if heading else rel.stem
        head = [f"title: {json.dumps(title, ensure_ascii=False)}"]
        if rel.name in dates and rel.parent.name == "bulletins":
            head.append(f"date: {dates[rel.name]}")
        target.write_text("---\n" + "\n".join(head) + "\n---\n\n" + text, encoding="utf-8")
    shutil.copytree(bare / "theme" / "assets", hugo / "static" / "assets")
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / name).write_text(text, encoding="utf-8")
    menu = "".join(f'[[menus.main]]\nname = "{name}"\nurl = "/{path}/"\nweight = {i}\n\n'
                   for i, (name, path) in enumerate([("Bulletins", "bulletins"), ("Glossaire", "glossaire"),
                                                     ("Chronologie", "chronologie")]))
    (hugo / "hugo.toml").write_text(
        f'baseURL = "{_site_url(bare)}"\nlanguageCode = "fr"\ntitle = "Info-PSOC"\ndisableKinds = ["taxonomy", "term"]\n'
        '[markup.goldmark.renderer]\nunsafe = true\n[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n\n'
        + menu, encoding="utf-8")
    return hugo


def hugo_build(tree: Path, site: Path, repeat: int = 2) -> dict | None:
    """Hugo's full build of ``tree`` into a new ``site`` (the best of ``repeat``), or None without Hugo."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    runs = []
    for attempt in range(repeat):
        target = site.with_name(f"{site.name}-{attempt}")
        runs.append(run([hugo, "--quiet", "--source", str(tree), "--destination", str(target)], cwd=tree))
        pages = sum(1 for _ in target.rglob("index.html"))
    return {"seconds": min(r["seconds"] for r in runs), "pages": pages}


# --- measuring ---------------------------------------------------------------------------------

def run(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 900) -> dict:
    """Run a child; wall time, peak RSS (of the child and its waited-for children), output."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    chunks = []
    for line in proc.stdout:
        chunks.append(line)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    output = "".join(chunks)
    if proc.returncode != 0:
        sys.stderr.write(output[-4000:])
        raise SystemExit(f"échec : {' '.join(args)}")
    return {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024, "output": output}


def mkdocs_build(tree: Path, site: Path) -> dict:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tree / "mkdocs.yml"),
                "--site-dir", str(site)], cwd=tree)


PDF_LINE = re.compile(r"PDF : (\d+) rendu\(s\), (\d+) tiré\(s\) du cache")


def pdf_counts(output: str) -> tuple[int, int] | None:
    found = [(int(rendered), int(cached)) for rendered, cached in PDF_LINE.findall(output)]
    # each language's build says its own; English has no bulletin of its own: the largest is the French
    return max(found, key=sum) if found else None


def pdf_part(tree: Path, repeat: int, step: int) -> dict:
    """Figures 3 and 4, in this (child) process: the print documents come from a real build."""
    os.environ["INFOPSOC_PDF"] = "0"
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import weasyprint
    from infopsoc.outputs import pdf

    site_dir = tree / "site-pdfpart"
    config = load_config(str(tree / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    plugin = config.plugins["infopsoc"]
    site = plugin.site
    site_url = site.settings.site_url
    files = {p.relative_to(site_dir).as_posix(): str(p) for p in site_dir.rglob("*") if p.is_file()}
    bulletins = [b for b in site.bulletins_in("fr") if b.slug in plugin.rendered]

    def documents():
        return [pdf.print_html(b, plugin.build.publishable()[b.slug].html, site_url=site_url, author="CTROC", lang="fr")
                for b in bulletins]

    def weasy(document):
        fetcher = pdf.site_fetcher(site_url, files)
        return weasyprint.HTML(string=document.html, base_url=document.base_url,
                               url_fetcher=fetcher).write_pdf(pdf_variant=pdf.PDF_VARIANT)

    class PlainFetcher(weasyprint.urls.URLFetcher):
        """The site's files as they are (WeasyPrint decodes the WOFF fonts itself, for each document),
        every other address refused: WeasyPrint as it comes, given the site."""

        def fetch(self, url, headers=None):
            path = url[len(site_url):] if url.startswith(site_url) else None
            if path is None or path not in files:
                raise ValueError(f"refused: {url}")
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, body=Path(files[path]).read_bytes(),
                                                      headers={"Content-Type": mime})

    def weasy_plain(document):
        return weasyprint.HTML(string=document.html, base_url=document.base_url,
                               url_fetcher=PlainFetcher()).write_pdf(pdf_variant=pdf.PDF_VARIANT)

    def ours(rendered, cache_dir):
        """What a build does (``make_pdfs``): cache look-up, print documents, renders, cache writes."""
        return pdf.make_pdfs(site, rendered, lang="fr", author="CTROC", files=files, cache_dir=cache_dir)

    scratch = Path(tempfile.mkdtemp(dir=tree))
    # 3. cold: an empty cache (the project's own, so the builds that follow find every PDF in it),
    # a new pool (its start-up included)
    cache_dir = tree / ".cache" / "pdf"
    shutil.rmtree(cache_dir, ignore_errors=True)
    start = time.perf_counter()
    report = ours({s: p.html for s, p in plugin.build.publishable().items()}, cache_dir)
    ours_cold = time.perf_counter() - start
    assert len(report.rendered) == len(bulletins) and not report.warnings, report
    # WeasyPrint alone, one after another in this process, on every `step`-th issue, scaled up
    docs = documents()
    sample = docs[::step]
    start = time.perf_counter()
    for document in sample:
        weasy(document)
    weasy_all = (time.perf_counter() - start) * len(docs) / len(sample)
    # the same, WeasyPrint as it comes (its fetcher only serves the site's files: the fonts are not
    # unwrapped once for the process, as the project's fetcher does); every other sampled issue
    plain_sample = docs[step // 2::step * 2] or sample
    start = time.perf_counter()
    for document in plain_sample:
        weasy_plain(document)
    weasy_plain_all = (time.perf_counter() - start) * len(docs) / len(plain_sample)

    # 4. one PDF, warm (this process has rendered many): ours = cache check + print document + render
    # + cache write, as a build with one edited bulletin does it
    bulletin = bulletins[len(bulletins) // 2]
    document = pdf.print_html(bulletin, plugin.build.publishable()[bulletin.slug].html, site_url=site_url, author="CTROC", lang="fr")
    ours_one, weasy_one = [], []
    for i in range(max(3, repeat * 2)):
        start = time.perf_counter()
        report = ours({bulletin.slug: plugin.build.publishable()[bulletin.slug].html}, scratch / f"one-{i}")
        ours_one.append(time.perf_counter() - start)
        assert report.rendered == [bulletin.slug], report
        start = time.perf_counter()
        weasy(document)
        weasy_one.append(time.perf_counter() - start)
    pdf.shutdown()
    return {"count": len(bulletins), "ours_cold": ours_cold, "weasy_sequential": weasy_all, "weasy_sample": len(sample),
            "weasy_plain_sequential": weasy_plain_all, "weasy_plain_sample": len(plain_sample),
            "ours_one": min(ours_one), "weasy_one": min(weasy_one), "cpus": os.cpu_count()}


def _site_url(tree: Path) -> str:
    found = re.search(r"^site_url:\s*(\S+)", (tree / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return found.group(1) if found else "/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except Exception:
        return None


def serve_latency(tree: Path, slug: str, synthetic: list[str], number: int) -> dict:
    """Start `infopsoc serve` (what `make serve` runs), save a bulletin, poll its page until the new text is served."""
    port = free_port()
    log = open(tree / "serve.log", "w")
    infopsoc = Path(sys.executable).parent / "infopsoc"
    proc = subprocess.Popen([str(infopsoc), "-f", str(tree / "mkdocs.yml"), "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=tree, env=ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    prefix = urllib.parse.urlsplit(_site_url(tree)).path or "/"
    url = f"http://127.0.0.1:{port}{prefix}bulletins/{slug}/"
    try:
        start = time.perf_counter()
        while fetch(url) is None:
            if proc.poll() is not None or time.perf_counter() - start > 600:
                raise SystemExit("mkdocs serve n'a pas démarré (voir serve.log)")
            time.sleep(0.2)
        first = time.perf_counter() - start
        time.sleep(2)  # let the watcher settle
        results = []
        for attempt in range(2):
            marker = f"Texte-ajoute-{attempt}-{int(time.time())}"
            path = tree / "bulletins" / f"{slug}.md"
            text = path.read_text(encoding="utf-8")
            text = text.replace("[^1]: ", f"{marker}\n\n[^1]: ", 1)
            start = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while True:
                page = fetch(url)
                if page and marker in page:
                    break
                if time.perf_counter() - start > 300:
                    raise SystemExit("la page modifiée n'est jamais apparue sous serve")
                time.sleep(0.05)
            results.append(time.perf_counter() - start)
            time.sleep(2)
        return {"first_page": first, "save_to_page": results}
    finally:
        _stop_server(proc, log)



def _stop_server(proc: subprocess.Popen, log) -> None:
    """Stop a preview started in its own process group (Ctrl+C, then a kill after 20 s), and close its log."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()

# --- preview: save -> the browser shows it (issue 32) ---------------------------------------------

_BUILT_LINE = re.compile(r"construction terminée en (\d+),(\d+) s")
#: the preview's quick path (plugin/engine.py): the saved page written, from the save; its making
_QUICK_LINE = re.compile(r"à jour (\d+),(\d+) s après l'enregistrement \(faite en (\d+),(\d+) s\)")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def real_tree(root: Path) -> Path:
    """A copy of the project's own content (the real bulletins, glossary, timeline, pages)."""
    tree = root / "real"
    for name in ("bulletins", "content", "data", "glossary", "theme", "timeline"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, tree / name)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(REPO / name, tree / name)
    return tree


def preview_latency(tree: Path, slug: str, saves: int = 3, env: dict | None = None) -> dict:
    """`infopsoc serve` (what `make serve` runs) with the bulletin's page open in Chromium (headless,
    the machine's): a paragraph is added to the bulletin's source and saved; the time until the page
    shown in the browser holds it (the watcher, the rebuild, the live reload, the page loaded again).
    Each save's parts: when the preview's quick path had the page written (its line in the log: from
    the save, and its making alone), when the browser got the live reload's answer (the request's own
    timing), and the engine's whole rebuild (its « construction terminée » line), so that what is not
    the build shows. ``env``: e.g. a PYTHONPATH naming another version of the package."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    port = free_port()
    log_path = tree / "preview.log"
    log = open(log_path, "w")
    infopsoc = Path(sys.executable).parent / "infopsoc"
    proc = subprocess.Popen([str(infopsoc), "-f", str(tree / "mkdocs.yml"), "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=tree, env=dict(ENV, **(env or {})), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    prefix = urllib.parse.urlsplit(_site_url(tree)).path or "/"
    url = f"http://127.0.0.1:{port}{prefix}bulletins/{slug}/"
    source = tree / "bulletins" / f"{slug}.md"
    original = source.read_text(encoding="utf-8")
    try:
        start = time.perf_counter()
        while fetch(url) is None:
            if proc.poll() is not None or time.perf_counter() - start > 600:
                raise SystemExit(f"infopsoc serve n'a pas démarré (voir {log_path})")
            time.sleep(0.2)
        first = time.perf_counter() - start
        results, builds, quick, made, answers = [], [], [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page()
            polls: list = []  # the live reload's answers (requests to /livereload/)
            page.on("requestfinished", lambda request: polls.append(request) if "/livereload/" in request.url else None)
            page.goto(url, wait_until="load")
            time.sleep(2)  # the live-reload script connected, the watcher settled
            for attempt in range(saves):
                marker = f"Ajout-{attempt}-{int(time.time() * 1000)}"
                text = source.read_text(encoding="utf-8").replace("\n## ", f"\n{marker}\n\n## ", 1)
                logged = log_path.read_text(encoding="utf-8")
                done_builds, done_quick = len(_BUILT_LINE.findall(logged)), len(_QUICK_LINE.findall(logged))
                polls.clear()
                saved_at = time.time()
                start = time.perf_counter()
                source.write_text(text, encoding="utf-8")
                while True:
                    try:
                        if page.evaluate("m => document.body !== null && document.body.innerText.includes(m)", marker):
                            break
                    except PlaywrightError:  # the page is being reloaded
                        pass
                    if time.perf_counter() - start > 120:
                        raise SystemExit("la modification n'est jamais apparue dans le navigateur")
                    time.sleep(0.01)
                results.append(time.perf_counter() - start)
                time.sleep(1.5)
                logged = log_path.read_text(encoding="utf-8")
                found = _BUILT_LINE.findall(logged)[done_builds:]
                builds.append(sum(float(f"{a}.{b}") for a, b in found) if found else None)
                found = _QUICK_LINE.findall(logged)[done_quick:]
                quick.append(float(f"{found[0][0]}.{found[0][1]}") if found else None)
                made.append(float(f"{found[0][2]}.{found[0][3]}") if found else None)
                # the first answer after the save: when the browser was told (request timing, ms since the epoch)
                ends = [r.timing["startTime"] + r.timing["responseEnd"] for r in polls if r.timing["responseEnd"] >= 0]
                ends = [e / 1000 - saved_at for e in ends if e / 1000 >= saved_at]
                answers.append(min(ends) if ends else None)
            browser.close()
        return {"first_page": first, "save_to_visible": results, "engine_build": builds, "quick_ready": quick,
                "quick_made": made, "live_reload_answer": answers}
    finally:
        source.write_text(original, encoding="utf-8")
        _stop_server(proc, log)


def _median(values: list) -> float | None:
    known = sorted(v for v in values if v is not None)
    return known[len(known) // 2] if known else None


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def preview_rows(figures: dict[str, dict]) -> list[dict]:
    """The preview's rows: ``figures``, by label (« real content », « 300 bulletins », with « [before: …] »)."""
    rows = []
    for label, found in figures.items():
        times = found["save_to_visible"]
        visible, answer = _median(times), _median(found.get("live_reload_answer", []))
        ready, made = _median(found.get("quick_ready", [])), _median(found.get("quick_made", []))
        parts = [f"median {_s(visible)}"]
        if ready is not None:
            parts.append(f"save -> page written {_s(ready)} (of which making it {_s(made)}, the rest the watcher's wait)")
        parts.append(f"save -> live reload answered {_s(answer)}; answered -> visible (the page's reload) "
                     f"{_s(None if answer is None or visible is None else visible - answer)}")
        builds = ", ".join(_s(b) for b in found["engine_build"])
        parts.append(f"the engine's whole rebuild: {builds}; first page after start {found['first_page']:.1f} s")
        rows.append({"figure": f"preview ({label}): save -> the browser shows it (Chromium)",
                     "value": ", ".join(f"{t:.2f} s" for t in times),
                     "reference": "; ".join(parts),
                     "ratio": "", "goal": "≤ 0.5 s", "met": max(times) <= 0.5})
    return rows


def preview_part(root: Path, synthetic_tree: Path | None, bulletins: int, step, before: Path | None = None) -> dict[str, dict]:
    """The preview measured on the real content and, when given, the synthetic archive; with ``before``
    (a folder holding another version's ``scripts/``), that version first, in the same run."""
    figures = {}
    trees = [("real content", real_tree(root), "info-psoc-03")]
    if synthetic_tree is not None:
        trees.append((f"{bulletins} bulletins", synthetic_tree, slug_of(bulletins // 3)))
    for label, tree, slug in trees:
        if before is not None:
            step(f"aperçu : enregistrer -> le navigateur le montre ({label}, version de {before})")
            figures[f"{label} [before: {before.name}]"] = preview_latency(
                tree, slug, env={"PYTHONPATH": str(before / "scripts")})
        step(f"aperçu : enregistrer -> le navigateur le montre ({label})")
        figures[label] = preview_latency(tree, slug)
    return figures


# --- `infopsoc build` (both languages, the site swapped into place): nothing changed, one edit ------

_SKIPPED = "Rien n'a changé depuis la dernière construction"


def cli_builds(tree: Path, slug: str, env: dict | None = None, repeat: int = 1) -> dict:
    """`infopsoc build` as staff run it (`make build`): a first build (caches warm or not), then with
    nothing changed, then after one bulletin is edited; the last two ``repeat`` times each, the best
    kept (as the references' builds are: each edit adds another sentence). ``env``: e.g. a PYTHONPATH
    naming another version of the package, to compare two versions in one run."""
    infopsoc = [sys.executable, "-m", "infopsoc.cli", "-f", str(tree / "mkdocs.yml"), "build"]
    env = dict(ENV, **(env or {}))
    first = run(infopsoc, cwd=tree, env=env)
    unchanged = [run(infopsoc, cwd=tree, env=env) for _ in range(repeat)]
    source = tree / "bulletins" / f"{slug}.md"
    original = source.read_text(encoding="utf-8")
    edited = []
    try:
        for n in range(repeat):
            source.write_text(original.replace("\n## ", f"\nParagraphe ajouté pour la mesure ({n + 1}).\n\n## ", 1),
                              encoding="utf-8")
            edited.append(run(infopsoc, cwd=tree, env=env))
    finally:
        source.write_text(original, encoding="utf-8")
    best_unchanged = min(unchanged, key=lambda r: r["seconds"])
    best_edited = min(edited, key=lambda r: r["seconds"])
    return {"first": first["seconds"], "unchanged": best_unchanged["seconds"], "edited": best_edited["seconds"],
            "unchanged_all": [r["seconds"] for r in unchanged], "edited_all": [r["seconds"] for r in edited],
            "unchanged_skipped": all(_SKIPPED in r["output"] for r in unchanged),
            "edited_pdf": pdf_counts(best_edited["output"])}


def cli_rows(found: dict, bare_s: float, label: str = "", hugo: dict | None = None) -> list[dict]:
    """The rows of :func:`cli_builds` against the bare Material build and, when measured, Hugo's full build
    (``hugo``: :func:`hugo_build`; goal for a rebuild with nothing changed: ≤ 3×)."""
    rows = []
    for name, text, goal in (("unchanged", "nothing changed", 0.6), ("edited", "one bulletin edited", 0.6)):
        ratio = found[name] / bare_s
        extra = " (noticed: nothing rebuilt)" if name == "unchanged" and found["unchanged_skipped"] else ""
        extra += f", PDF {found['edited_pdf']}" if name == "edited" and found["edited_pdf"] else ""
        runs = found.get(f"{name}_all", [])
        extra += f" (best of {', '.join(f'{r:.2f}' for r in runs)})" if len(runs) > 1 else ""
        rows.append({"figure": f"infopsoc build{label} (both languages, swapped in), {text}",
                     "value": f"{found[name]:.2f} s{extra}", "reference": f"bare Material {bare_s:.2f} s (French only)",
                     "ratio": f"{ratio:.2f}×", "goal": f"≤ {goal}×", "met": ratio <= goal})
        if hugo is not None:
            to_hugo = found[name] / hugo["seconds"]
            rows.append({"figure": f"infopsoc build{label}, {text}, against Hugo",
                         "value": f"{found[name]:.2f} s",
                         "reference": f"Hugo's full build {hugo['seconds']:.2f} s ({hugo['pages']} pages, same Markdown)",
                         "ratio": f"{to_hugo:.2f}×", "goal": "≤ 3×" if name == "unchanged" else "(no goal)",
                         "met": to_hugo <= 3 if name == "unchanged" else None})
    return rows


def hugo_row_missing() -> dict:
    return {"figure": "Hugo's full build (reference)", "value": "not measured",
            "reference": "no `hugo` on this machine: tools/system/install.sh bench (make bench does it)",
            "ratio": "", "goal": "≤ 3×", "met": None}


# Lighthouse comes from its own npm project (tools/bench: `npm ci` run by `make bench`), so that
# `make test` does not install it; a `lighthouse` on the PATH is the fallback.
LIGHTHOUSE = REPO / "tools" / "bench" / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_PAGES = {"home": "", "bulletin": "bulletins/info-psoc-150/", "archive": "bulletins/",
                    "glossary": "glossaire/", "term": "glossaire/psoc/", "timeline": "chronologie/"}
# Chromium never reaches outside hosts by itself (TOOLCHAIN.md); Lighthouse sends no error reports.
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run --disable-default-apps "
                "--disable-domain-reliability --no-pings")


def lighthouse(site: Path, pages: dict[str, str] | None = None) -> dict:
    """Lighthouse (mobile, its default simulated slow 4G and 4x CPU) per page kind; otherwise why not.

    The site is served as GitHub Pages serves it (the publish workflow's host): compressed with gzip.
    A page whose performance is under 95 is measured a second time and the better run kept, as for the
    timed builds: the machine is shared, and a busy core lengthens the observed tasks that Lighthouse's
    simulation starts from. Each page's full report stays next to the site (lighthouse-KIND.json).
    """
    found = shutil.which("lighthouse")
    binary = LIGHTHOUSE if LIGHTHOUSE.exists() else Path(found) if found else None
    chromium = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if binary is None:
        return {"error": "lighthouse absent (make bench l'installe : npm ci --prefix tools/bench)"}
    if not Path(chromium).exists():
        return {"error": f"Chromium absent ({chromium})"}
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", _GZIP_SERVER, str(port), str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    scores = {}
    try:
        deadline = time.time() + 20
        while fetch(f"http://127.0.0.1:{port}/") is None and time.time() < deadline:
            time.sleep(0.2)
        for kind, rel in (pages or LIGHTHOUSE_PAGES).items():
            runs = []
            for attempt in range(2):
                out = site.parent / f"lighthouse-{kind}-{attempt}.json"
                result = subprocess.run(
                    [str(binary), f"http://127.0.0.1:{port}/{rel}", "--quiet", "--output=json",
                     f"--output-path={out}", f"--chrome-flags={CHROME_FLAGS}", "--no-enable-error-reporting",
                     "--only-categories=performance,accessibility,best-practices,seo"],
                    env=dict(ENV, CHROME_PATH=chromium), capture_output=True, text=True, timeout=240)
                if result.returncode != 0 or not out.exists():
                    runs.append({"error": (result.stderr or result.stdout)[-300:]})
                    break
                report = json.loads(out.read_text(encoding="utf-8"))
                runs.append({"report": out, "scores": {name: round((c["score"] or 0) * 100)
                                                       for name, c in report["categories"].items()},
                             "short": _lighthouse_shortfalls(report)})
                if runs[-1]["scores"].get("performance", 0) >= 95:
                    break
            good = [r for r in runs if "scores" in r]
            if not good:
                scores[kind] = {"error": runs[-1]["error"]}
                continue
            best = max(good, key=lambda r: r["scores"].get("performance", 0))
            best["report"].replace(site.parent / f"lighthouse-{kind}.json")
            scores[kind] = best["scores"]
            tried = " / ".join(str(r["scores"].get("performance")) for r in good)
            print(f"    {kind}: {best['scores']} (performance {tried}) ; audits en défaut : "
                  f"{', '.join(best['short']) or 'aucun'}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return scores


def _lighthouse_shortfalls(report: dict) -> list[str]:
    """The audits that cost points: 'category:audit-id (score)', weighted ones only."""
    short = []
    for name, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                short.append(f"{name}:{ref['id']} ({audit['score']:.2f})")
    return short


# The built site as GitHub Pages serves it: gzip for text when the browser asks for it, threaded
# (TOOLCHAIN.md: http.server's own queue is tiny), quiet.
_GZIP_SERVER = """
import functools, gzip, http.server, io, os, sys
TEXT = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"}
cache = {}
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if (os.path.splitext(path)[1] not in TEXT or not os.path.isfile(path)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        if path not in cache:
            with open(path, "rb") as f:
                cache[path] = gzip.compress(f.read(), compresslevel=6, mtime=0)
        body = cache[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"""


def site_weight(site: Path) -> dict:
    html = [p for p in site.rglob("*.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = site / "search" / "search_index.json"
    bulletin = site / "bulletins" / slug_of(150) / "index.html"
    return {"site_mb": total / 1e6, "html_pages": len(html),
            "search_index_mb": index.stat().st_size / 1e6 if index.exists() else 0,
            "bulletin_page_kb": bulletin.stat().st_size / 1e3 if bulletin.exists() else 0}


# --- the run -----------------------------------------------------------------------------------

# --- search ------------------------------------------------------------------------------------

SEARCH_QUERY = "financement"   # a word of every synthetic bulletin's vocabulary
MINOR_QUERY = "du"             # a word every page is made of (« Section 1 du numéro 1 »), searched alone
_INDEX_LINE = re.compile(r"Recherche : (\d+) pages indexées \((\d+) ko, ([\d.,]+) s\)")


def _gzip_size(data: bytes) -> int:
    import gzip

    return len(gzip.compress(data, 6))


def search_figures(ours_site: Path, bare_site: Path, queries: tuple[str, ...], page_url: str) -> dict:
    """In Chromium: what a bulletin fetches of the search before any search, then what a first
    search fetches and how long it takes to show results (each query in a fresh page: nothing
    cached); ours (outputs/search.py's index, and the search page's script, counted with the
    first search) and Material's (lunr, the first query). Sizes are raw and gzip-compressed
    (GitHub Pages compresses)."""
    sys.path.insert(0, str(REPO / "tests"))
    from site_checks import CHROMIUM, CHROMIUM_ARGS, LocalServer  # the tests' server and flags
    from infopsoc.core.urls import SEARCH_BUNDLE  # the index's folder
    from playwright.sync_api import sync_playwright

    def watch(page, marks: tuple[str, ...]) -> list:
        seen = []
        page.on("response", lambda r: any(m in r.url for m in marks) and seen.append(r))
        return seen

    def sizes(responses) -> dict:
        bodies = [(r.url, r.body()) for r in responses]
        return {"files": len(bodies), "bytes": sum(len(b) for _, b in bodies),
                "gzip": sum(_gzip_size(b) for _, b in bodies),
                "each": {re.sub(r"\?.*$", "", url.split(f"/{SEARCH_BUNDLE}/")[-1]): _gzip_size(b) for url, b in bodies}}

    found = {"ours": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with LocalServer(ours_site) as ours:
                for query in queries:
                    context = browser.new_context(viewport={"width": 390, "height": 900})
                    page = context.new_page()
                    seen = watch(page, (f"/{SEARCH_BUNDLE}/",))
                    page.goto(f"{ours.origin}/{page_url}")
                    page.wait_for_load_state("networkidle")
                    before = sizes(seen)
                    script = watch(page, ("infopsoc-search.js",))
                    page.goto(f"{ours.origin}/recherche/")
                    page.wait_for_load_state("networkidle")
                    seen.clear()
                    seen += script  # the search page's script: what a first search needs too
                    start = time.perf_counter()
                    page.fill("#ip-search-input", query)
                    page.press("#ip-search-input", "Enter")
                    page.wait_for_selector(".ip-search__result")
                    elapsed = time.perf_counter() - start
                    page.wait_for_load_state("networkidle")
                    found["ours"][query] = {"before": before, "first": sizes(seen), "seconds": elapsed,
                                            "status": page.text_content("#ip-search-status")}
                    context.close()
            with LocalServer(bare_site) as bare:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                seen = watch(page, ("/search/", "search_index.json"))
                page.goto(f"{bare.origin}/{page_url}")
                page.wait_for_load_state("networkidle")
                before = sizes(seen)  # Material fetches its whole index with every page
                start = time.perf_counter()
                page.click("input.md-search__input")  # in the header at this width
                page.keyboard.type(queries[0])
                try:  # lunr builds its index in a worker first: slow at this size
                    page.wait_for_selector(".md-search-result__item", timeout=180_000)
                    elapsed = time.perf_counter() - start
                except Exception as exc:  # a row that says so, not a failed run
                    elapsed = float("nan")
                    found["bare_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
                found["bare"] = {"before": before, "first": sizes(seen), "seconds": elapsed}
                page.close()
        finally:
            browser.close()
    return found


def search_rows(bulletins: int, figures: dict, builds: dict, bare_site: Path, lighthouse_scores: dict) -> list[dict]:
    bare = figures["bare"]
    kb = lambda n: f"{n / 1024:.0f} kB"  # noqa: E731
    rows = []
    for n, (query, ours) in enumerate(figures["ours"].items()):
        if n == 0:
            rows.append({"figure": f"search, {bulletins} bulletins: bytes before any search (a bulletin page)",
                         "value": f"{kb(ours['before']['bytes'])} ({ours['before']['files']} files)",
                         "reference": f"Material {kb(bare['before']['bytes'])} raw, {kb(bare['before']['gzip'])} gzip",
                         "ratio": "", "goal": "no index bytes", "met": ours["before"]["files"] == 0})
        each = ours["first"]["each"]
        parts = {"script": sum(v for k, v in each.items() if k.endswith("infopsoc-search.js")),
                 "meta": each.get("meta.json", 0),
                 "word list": sum(v for k, v in each.items() if k.startswith("mots/")),
                 "families": sum(v for k, v in each.items() if k.startswith("familles/")),
                 "sections": sum(v for k, v in each.items() if k.startswith("sections/"))}
        detail = ", ".join(f"{name} {kb(size)}" for name, size in parts.items())
        rows.append({"figure": f"search, {bulletins} bulletins: first search « {query} » ({ours['status']})",
                     "value": f"{kb(ours['first']['bytes'])} raw, {kb(ours['first']['gzip'])} gzip "
                              f"({ours['first']['files']} files: {detail})",
                     "reference": f"Material {kb(bare['first']['bytes'])} raw, {kb(bare['first']['gzip'])} gzip (already fetched)"
                     if n == 0 else "",
                     "ratio": "", "goal": "≤ 150 kB transferred at 1000 bulletins",
                     "met": ours["first"]["gzip"] <= 150 * 1024 if bulletins >= 1000 else None})
        rows.append({"figure": f"search, {bulletins} bulletins: time to first results « {query} » (Chromium, local)",
                     "value": f"{ours['seconds'] * 1000:.0f} ms",
                     "reference": f"Material {bare['seconds'] * 1000:.0f} ms" if n == 0 else "",
                     "ratio": "", "goal": "", "met": None})
    bare_index = bare_site / "search" / "search_index.json"
    for name, label in (("cold", "first build (empty cache)"), ("cached", "full build, nothing changed"),
                        ("edited", "rebuild after editing one bulletin")):
        found = _INDEX_LINE.findall(builds[name]["output"])
        reused = bool(re.search(r"Recherche : .*index de la construction précédente repris", builds[name]["output"]))
        index = (f"index {float(found[-1][2].replace(',', '.')):.1f} s{' (reused)' if reused else ''}, {found[-1][1]} kB"
                 if found else "no index line")
        ratio = builds[name]["seconds"] / builds["bare"]
        goal = {"cached": 1.15, "edited": 1.2}.get(name)
        rows.append({"figure": f"search, {bulletins} bulletins: {label}, without PDFs",
                     "value": f"{builds[name]['seconds']:.1f} s ({index})",
                     "reference": f"bare Material {builds['bare']:.1f} s (lunr index {kb(bare_index.stat().st_size)})"
                     if bare_index.is_file() else f"bare Material {builds['bare']:.1f} s",
                     "ratio": f"{ratio:.2f}×", "goal": f"≤ {goal}×" if goal else "",
                     "met": ratio <= goal if goal else None})
    for kind, scores in lighthouse_scores.items():
        ok = isinstance(scores, dict) and "error" not in scores
        rows.append({"figure": f"Lighthouse {kind}", "value": " / ".join(f"{k} {v}" for k, v in scores.items()) if ok
                     else str(scores.get("error", scores))[:200], "reference": "", "ratio": "",
                     "goal": "perf ≥ 95, others 100",
                     "met": ok and scores.get("performance", 0) >= 95 and all(v == 100 for k, v in scores.items() if k != "performance")})
    return rows


def _start(prefix: str):
    """A run's start time, its temporary folder, and its progress printer (seconds since the start)."""
    began = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix=prefix))
    step = lambda text: print(f"[{time.perf_counter() - began:6.1f} s] {text}", flush=True)  # noqa: E731
    return began, root, step


def _publish(args, results: dict, lead: str = "") -> None:
    """Write the results to ``--out`` and print their table."""
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"{lead}durée totale {results['total_s']:.0f} s ; résultats : {args.out}")


def _leave(args, root: Path) -> None:
    """Remove the run's temporary folder, unless ``--keep``."""
    if args.keep:
        print(f"dossier conservé : {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


def search_only(args) -> None:
    """The search rows alone: generate; build ours (without PDFs) with an empty cache, again
    unchanged, again after editing one bulletin; the bare reference twice (best kept); measure
    two first searches in Chromium and Lighthouse on the search page."""
    began, root, step = _start("infopsoc-bench-search-")
    try:
        tree = generate(root, args.bulletins, args.terms, args.events)
        env = dict(ENV, INFOPSOC_PDF="0")
        ours_build = lambda: run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",  # noqa: E731
                                  str(tree["ours"] / "mkdocs.yml"), "--site-dir", str(root / "site")],
                                 cwd=tree["ours"], env=env)
        builds = {}
        step("construction, cache vide")
        builds["cold"] = ours_build()
        step("construction, rien de changé")
        builds["cached"] = ours_build()
        step("reconstruction après modification d'un bulletin")
        edited = tree["ours"] / "bulletins" / f"{slug_of(args.bulletins // 2)}.md"
        edited.write_text(edited.read_text(encoding="utf-8").replace("## Section 2", "Paragraphe ajouté.\n\n## Section 2", 1),
                          encoding="utf-8")
        builds["edited"] = ours_build()
        step("Material nue (deux fois, la meilleure gardée)")
        builds["bare"] = min(mkdocs_build(tree["bare"], root / "site-bare")["seconds"] for _ in range(2))
        step("recherches dans Chromium")
        queries = (SEARCH_QUERY, MINOR_QUERY, tree["synthetic_terms"][0])
        # a bulletin of the middle of the archive (info-psoc-150 at 300), which every size has
        figures = search_figures(root / "site", root / "site-bare", queries, f"bulletins/{slug_of(args.bulletins // 2)}/")
        step("Lighthouse")
        try:
            scores = lighthouse(root / "site", {"search": "recherche/", "search-results": f"recherche/?q={SEARCH_QUERY}"})
        except Exception as exc:  # a benchmark row, not a failure of the run
            scores = {"all": {"error": f"{type(exc).__name__}: {exc}"}}
        if "error" in scores:
            scores = {"all": scores}
        rows = search_rows(args.bulletins, figures, builds, root / "site-bare", scores)
        results = {"bulletins": args.bulletins, "rows": rows, "raw": figures,
                   "builds": {k: (v if isinstance(v, float) else v["seconds"]) for k, v in builds.items()},
                   "total_s": time.perf_counter() - began}
        _publish(args, results)
    finally:
        _leave(args, root)


def _cli_part(args, tree: Path, bare_s: float, step, pdf: bool = True, hugo: dict | None = None) -> list[dict]:
    """The cli rows, and with ``--before`` the same measured with the other version first (PDFs
    from the cache; without PDFs when ``pdf`` is false: then the rows say so)."""
    rows, env = [], ({} if pdf else {"INFOPSOC_PDF": "0"})
    label = "" if pdf else ", without PDFs"
    if args.before is not None:
        step(f"  avec la version de {args.before}")
        # the other version's theme too, when DIR holds one (the theme reads what its plugin gives it)
        theme = args.before / "theme"
        if theme.is_dir():
            (tree / "theme").rename(tree / ".theme-now")
            shutil.copytree(theme, tree / "theme")
        try:
            before = cli_builds(tree, slug_of(args.bulletins // 2), {"PYTHONPATH": str(args.before / "scripts"), **env},
                                repeat=args.repeat)
        finally:
            if theme.is_dir():
                shutil.rmtree(tree / "theme")
                (tree / ".theme-now").rename(tree / "theme")
        rows += cli_rows(before, bare_s, f" [before: {args.before.name}]{label}", hugo)
    found = cli_builds(tree, slug_of(args.bulletins // 2), env, repeat=args.repeat)
    return rows + cli_rows(found, bare_s, label, hugo) + ([] if hugo else [hugo_row_missing()])


def part_only(args) -> None:
    """One part alone (``--only preview`` or ``--only cli``): generate, the bare reference (twice, the
    best kept, for the cli's ratios), then the part."""
    began, root, step = _start(f"infopsoc-bench-{args.only}-")
    try:
        step(f"génération dans {root}")
        tree = generate(root, args.bulletins, args.terms, args.events)
        shutil.copy(REPO / "mkdocs.en.yml", tree["ours"] / "mkdocs.en.yml")
        if args.only == "preview":
            rows = preview_rows(preview_part(root, tree["ours"], args.bulletins, step, args.before))
        else:
            step("construction Material nue (référence, deux fois)")
            bare_s = min(mkdocs_build(tree["bare"], root / "site-bare")["seconds"] for _ in range(2))
            step("construction Hugo complète (référence, deux fois)")
            hugo = hugo_build(tree["hugo"], root / "site-hugo")
            rows = _cli_part(args, tree["ours"], bare_s, step, pdf=False, hugo=hugo)
        results = {"bulletins": args.bulletins, "rows": rows, "total_s": time.perf_counter() - began}
        _publish(args, results)
    finally:
        _leave(args, root)


# --- engines --- (the Zensical build of the same archive: infopsoc.engines.zensical, issue 30)

def zensical_build(tree: Path, site: Path, env: dict | None = None) -> dict:
    return run([sys.executable, "-m", "infopsoc.engines.zensical", "build", "--strict", "-f", str(tree / "mkdocs.yml"),
                "--site-dir", str(site)], cwd=tree, env=env)


def zensical_part(tree: Path, root: Path, repeat: int, step, env: dict | None = None) -> dict:
    """The Zensical build of ``tree`` (PDFs already cached by the MkDocs builds, or off by ``env``): first
    with neither Zensical's cache nor the kept conversions (every page converted), then unchanged."""
    shutil.rmtree(tree / ".cache" / "engine", ignore_errors=True)
    for kept in (tree / ".cache").glob("memo-*.pickle"):
        kept.unlink()
    step("Zensical : construction, rien en cache (chaque page convertie)")
    cold = zensical_build(tree, root / "site-zensical", env)
    step(f"  {cold['seconds']:.1f} s")
    step("Zensical : construction, rien de changé")
    unchanged = [zensical_build(tree, root / "site-zensical", env) for _ in range(repeat)]
    return {"cold": cold["seconds"], "unchanged": [r["seconds"] for r in unchanged], "pdf": pdf_counts(cold["output"]),
            "max_rss_mb": max(r["max_rss_mb"] for r in [cold, *unchanged])}


def zensical_rows(bulletins: int, figures: dict, bare_s: float, mkdocs_cold_s: float | None,
                  mkdocs_cached_s: float | None, pdfs: str = "PDFs cached") -> list[dict]:
    """The Zensical rows, beside MkDocs' (same archive, one language)."""
    rows = []
    unchanged = min(figures["unchanged"])
    for label, value, ours in (("first build, every page converted", figures["cold"], mkdocs_cold_s),
                               ("build, nothing changed", unchanged, mkdocs_cached_s)):
        reference = f"MkDocs {ours:.1f} s; bare Material {bare_s:.1f} s" if ours else f"bare Material {bare_s:.1f} s"
        ratio = f"{value / ours:.2f}× MkDocs, {value / bare_s:.2f}× bare" if ours else f"{value / bare_s:.2f}× bare"
        rows.append({"figure": f"Zensical 0.0.73, {bulletins} bulletins: {label} ({pdfs})", "value": f"{value:.1f} s",
                     "reference": reference, "ratio": ratio, "goal": "(shadow build: no goal)", "met": None})
    rows.append({"figure": f"Zensical 0.0.73, {bulletins} bulletins: peak memory", "value": f"{figures['max_rss_mb']:.0f} MB",
                 "reference": "", "ratio": "", "goal": "≤ 500 MB", "met": figures["max_rss_mb"] <= 500})
    return rows


def zensical_only(args) -> None:
    """The Zensical rows alone (``--only zensical``), without PDFs (the engines' part: the PDFs are the
    same pipeline step under both): generate; the bare reference; MkDocs' first build (no kept
    conversion) and unchanged builds; then Zensical's, the same two."""
    began, root, step = _start("infopsoc-bench-zensical-")
    try:
        tree = generate(root, args.bulletins, args.terms, args.events)
        ours = tree["ours"]
        env = dict(ENV, INFOPSOC_PDF="0")
        ours_build = lambda: run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",  # noqa: E731
                                  str(ours / "mkdocs.yml"), "--site-dir", str(root / "site")], cwd=ours, env=env)
        step("construction Material nue (référence)")
        bare_s = min(mkdocs_build(tree["bare"], root / "site-bare")["seconds"] for _ in range(args.repeat))
        step("MkDocs : construction, chaque page convertie")
        mk_cold = ours_build()["seconds"]
        step("MkDocs : construction, rien de changé")
        mk_cached = min(ours_build()["seconds"] for _ in range(args.repeat))
        figures = zensical_part(ours, root, args.repeat, step, env)
        results = {"bulletins": args.bulletins,
                   "rows": zensical_rows(args.bulletins, figures, bare_s, mk_cold, mk_cached, "without PDFs"),
                   "raw": {"zensical": figures, "mkdocs_cold_s": mk_cold, "mkdocs_cached_s": mk_cached, "bare_s": bare_s},
                   "total_s": time.perf_counter() - began}
        _publish(args, results)
    finally:
        _leave(args, root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bulletins", type=int, default=300)
    parser.add_argument("--terms", type=int, default=150)
    parser.add_argument("--events", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per build figure (the best is kept)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--skip", default="", help="comma-separated: serve,lighthouse,pdf,cli,preview,zensical")
    parser.add_argument("--only", choices=["search", "preview", "cli", "zensical"],
                        help="run one part alone (search, preview, cli, zensical: their rows only)")
    parser.add_argument("--before", type=Path, default=None, metavar="DIR",
                        help="also measure the cli and preview rows with the package found in DIR/scripts (another version, "
                             "and its theme/ if DIR holds one, e.g. `git archive main scripts theme | tar -x -C DIR`), in the same run")
    parser.add_argument("--weasy-step", type=int, default=3,
                        help="time WeasyPrint alone on every N-th issue and scale (keeps the run under 10 min)")
    parser.add_argument("--pdf-part", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    compile_bytecode(REPO / "scripts" / "infopsoc")
    if args.before is not None:
        compile_bytecode(args.before / "scripts" / "infopsoc")
    if args.pdf_part:
        print("RESULT " + json.dumps(pdf_part(args.pdf_part, args.repeat, args.weasy_step)))
        return
    skip = set(filter(None, args.skip.split(",")))
    if args.only == "search":
        search_only(args)
        return
    if args.only in ("preview", "cli"):
        part_only(args)
        return
    if args.only == "zensical":
        zensical_only(args)
        return
    began, root, step = _start("infopsoc-bench-")
    try:
        step(f"génération dans {root}")
        tree = generate(root, args.bulletins, args.terms, args.events)
        ours, bare = tree["ours"], tree["bare"]

        step("construction Material nue (référence)")
        bare_runs = [mkdocs_build(bare, root / "site-bare") for _ in range(args.repeat)]
        bare_s = min(r["seconds"] for r in bare_runs)
        step("construction Hugo complète (référence)")
        hugo = hugo_build(tree["hugo"], root / "site-hugo", args.repeat)

        pdfs = None
        if "pdf" not in skip:
            step("PDF : rendu à froid de tous les numéros, puis WeasyPrint un par un")
            part = run([sys.executable, __file__, "--pdf-part", str(ours), "--repeat", str(args.repeat),
                        "--weasy-step", str(args.weasy_step)], cwd=ours)
            pdfs = json.loads(part["output"].rsplit("RESULT ", 1)[1])

        # the PDF part's own build left its conversions in the cache: the first build starts without them
        for kept in (ours / ".cache").glob("memo-*.pickle"):
            kept.unlink()
        step("construction complète (la première : PDF à faire s'ils ne sont pas déjà faits)")
        cold = mkdocs_build(ours, root / "site")
        step(f"  {cold['seconds']:.1f} s, {pdf_counts(cold['output'])}")
        step("construction complète, PDF en cache")
        cached_runs = [mkdocs_build(ours, root / "site") for _ in range(args.repeat)]
        cached_s = min(r["seconds"] for r in cached_runs)
        cached_counts = pdf_counts(cached_runs[-1]["output"])

        step("reconstruction après modification d'un bulletin")
        edited = ours / "bulletins" / f"{slug_of(args.bulletins // 2)}.md"
        edited.write_text(edited.read_text(encoding="utf-8").replace("## Section 2", "Paragraphe ajouté.\n\n## Section 2", 1),
                          encoding="utf-8")
        rebuild = mkdocs_build(ours, root / "site")
        rebuild_counts = pdf_counts(rebuild["output"])
        zensical = zensical_part(ours, root, args.repeat, step) if "zensical" not in skip else None
        weight = site_weight(root / "site")
        bare_weight = site_weight(root / "site-bare")


        more_rows = []
        if "cli" not in skip:
            step("infopsoc build : rien de changé, puis un bulletin modifié (les deux langues)")
            shutil.copy(REPO / "mkdocs.en.yml", ours / "mkdocs.en.yml")
            more_rows += _cli_part(args, ours, bare_s, step, pdf="pdf" not in skip, hugo=hugo)
        if "preview" not in skip:
            more_rows += preview_rows(preview_part(root, ours, args.bulletins, step, args.before))

        serve = None
        if "serve" not in skip:
            step("serve : enregistrer un bulletin -> page servie")
            serve = serve_latency(ours, slug_of(args.bulletins // 3), tree["synthetic_terms"], args.bulletins // 3)

        lh = {"error": "ignoré (--skip lighthouse)"} if "lighthouse" in skip else None
        if lh is None:
            step("Lighthouse")
            try:
                lh = lighthouse(root / "site")
            except Exception as exc:  # a benchmark row, not a failure of the run
                lh = {"error": f"{type(exc).__name__}: {exc}"}

        rows = []

        def row(figure, value, reference, ratio, goal, ok):
            rows.append({"figure": figure, "value": value, "reference": reference, "ratio": ratio, "goal": goal,
                         "met": ok})

        r1 = cached_s / bare_s
        row("full build, PDFs cached", f"{cached_s:.1f} s", f"bare Material {bare_s:.1f} s", f"{r1:.2f}×", "≤ 1.15×",
            r1 <= 1.15)
        # the same, on a first build (no page converted before: after a change of code or of the glossary)
        r0 = cold["seconds"] / bare_s
        row("(first build: PDFs cached, every page converted)", f"{cold['seconds']:.1f} s, PDF {pdf_counts(cold['output'])}",
            f"bare Material {bare_s:.1f} s", f"{r0:.2f}×", "(no goal: what the kept conversions save)", None)
        r2 = rebuild["seconds"] / bare_s
        one = rebuild_counts == (1, args.bulletins - 1)
        row("rebuild after editing one bulletin", f"{rebuild['seconds']:.1f} s, PDF {rebuild_counts}",
            f"bare Material {bare_s:.1f} s", f"{r2:.2f}×", "≤ 1.2×, exactly 1 PDF rendered", r2 <= 1.2 and one)
        if pdfs:
            if "weasy_plain_sequential" in pdfs:
                r3 = pdfs["weasy_plain_sequential"] / pdfs["ours_cold"]
                row(f"cold PDFs ({pdfs['count']} issues, {pdfs['cpus']} cores)", f"{pdfs['ours_cold']:.1f} s",
                    f"WeasyPrint as it comes, one by one {pdfs['weasy_plain_sequential']:.1f} s "
                    f"(timed on {pdfs['weasy_plain_sample']}, scaled)", f"{r3:.2f}× faster", "≥ 2.6× faster (issue 32)",
                    r3 >= 2.6)
            r3 = pdfs["weasy_sequential"] / pdfs["ours_cold"]
            row(f"cold PDFs ({pdfs['count']} issues, {pdfs['cpus']} cores), against WeasyPrint with the project's fetcher",
                f"{pdfs['ours_cold']:.1f} s",
                f"WeasyPrint one by one, fonts unwrapped once by the project's fetcher {pdfs['weasy_sequential']:.1f} s "
                f"(timed on {pdfs['weasy_sample']}, scaled)", f"{r3:.2f}× faster", "(no goal: the reference borrows "
                "the project's font unwrapping)", None)
            r4 = pdfs["ours_one"] / pdfs["weasy_one"]
            row("one PDF, warm", f"{pdfs['ours_one'] * 1000:.0f} ms", f"WeasyPrint {pdfs['weasy_one'] * 1000:.0f} ms",
                f"{r4:.2f}×", "≤ 1.1×", r4 <= 1.1)
        else:
            row("cold PDFs / one PDF warm", "not measured", "", "", "", None)
        if serve:
            worst = max(serve["save_to_page"])
            row("serve: save -> page shows it", ", ".join(f"{s:.1f} s" for s in serve["save_to_page"]),
                f"first page after start {serve['first_page']:.1f} s", "", "≤ 2 s", worst <= 2)
        else:
            row("serve: save -> page shows it", "not measured", "", "", "≤ 2 s", None)
        rows += more_rows
        peak = max(r["max_rss_mb"] for r in [cold, *cached_runs, rebuild])
        row("peak memory, full build", f"{peak:.0f} MB", f"bare Material {max(r['max_rss_mb'] for r in bare_runs):.0f} MB",
            "", "≤ 500 MB", peak <= 500)
        if "error" in lh:
            row("Lighthouse, per page kind", "not measured", lh["error"], "", "perf ≥ 95, others 100", None)
        else:
            for kind, scores in lh.items():
                if "error" in scores:
                    row(f"Lighthouse {kind}", "not measured", scores["error"][:120], "", "perf ≥ 95, others 100", None)
                    continue
                ok = scores.get("performance", 0) >= 95 and all(scores.get(k, 0) == 100 for k in
                                                                 ("accessibility", "best-practices", "seo"))
                row(f"Lighthouse {kind}", " / ".join(f"{k} {v}" for k, v in scores.items()), "", "",
                    "perf ≥ 95, others 100", ok)

        if zensical:
            rows += zensical_rows(args.bulletins, zensical, bare_s, cold["seconds"], cached_s)

        results = {
            "cores": os.cpu_count(), "bulletins": args.bulletins, "terms": tree["terms"], "events": args.events,
            "repeat": args.repeat, "rows": rows,
            "raw": {"bare_build_s": [r["seconds"] for r in bare_runs], "hugo": hugo, "cold_build_s": cold["seconds"],
                    "cold_build_pdf": pdf_counts(cold["output"]),
                    "cached_build_s": [r["seconds"] for r in cached_runs], "cached_build_pdf": cached_counts,
                    "rebuild_s": rebuild["seconds"], "rebuild_pdf": rebuild_counts,
                    "rss_mb": {"cold": cold["max_rss_mb"], "cached": [r["max_rss_mb"] for r in cached_runs],
                               "rebuild": rebuild["max_rss_mb"], "bare": [r["max_rss_mb"] for r in bare_runs]},
                    "pdf": pdfs, "serve": serve, "lighthouse": lh, "site": weight, "bare_site": bare_weight},
            "total_s": time.perf_counter() - began,
        }
        print()
        _publish(args, results, lead=f"\n{os.cpu_count()} cœurs ; ")
    finally:
        _leave(args, root)


def table(results: dict) -> str:
    lines = ["| figure | ours | reference | ratio | goal | met |", "|---|---|---|---|---|---|"]
    for r in results["rows"]:
        met = "—" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['figure']} | {r['value']} | {r['reference']} | {r['ratio']} | {r['goal']} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
