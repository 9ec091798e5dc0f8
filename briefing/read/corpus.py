"""Load a corpus folder: its manifest (``briefing.toml``) and its articles, plain text or saved web
pages (whose text and metadata ``webpage`` extracts); what the manifest and the page do not say
about an article comes from ``metadata``."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefing.errors import CorpusError, ManifestError
from briefing.models import Article, ArticleMeta, Manifest, ThemeSpec
from briefing.read import metadata, webpage

MANIFEST_NAME = "briefing.toml"
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | webpage.SUFFIXES
# Larger files are almost never one article (dumps, logs); they are skipped rather than
# letting one stray file make the run quadratic.
MAX_FILE_BYTES = 20_000_000

_STORY_KEYS = frozenset({"title", "description"})
_THEME_KEYS = frozenset({"id", "title", "question", "terms", "examples"})
_ARTICLE_KEYS = frozenset({"file", "outlet", "title", "published", "author", "url"})
_TOP_KEYS = frozenset({"story", "themes", "articles", "alignment"})
_ALIGNMENT_KEYS = frozenset({"semantic"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """The loaded corpus: its folder, manifest, articles and what was skipped."""

    folder: Path
    manifest: Manifest
    articles: tuple[Article, ...]
    warnings: tuple[str, ...]
    skipped: tuple[str, ...]  # files that could not be used, relative to the folder


def load(folder: Path) -> Corpus:
    """Read every text file and web page under ``folder`` (not following symlinked folders) and
    its manifest."""
    if not folder.exists():
        raise CorpusError(f"{folder}: no such folder; pass the folder that holds the articles")
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder; pass the folder that holds the articles")
    warnings: list[str] = []
    manifest = read_manifest(folder / MANIFEST_NAME, warnings=warnings)
    metas = {meta.file: meta for meta in manifest.articles}
    files = _text_files(folder)
    if not files:
        raise CorpusError(
            f"{folder}: no text files or web pages ({', '.join(sorted(ARTICLE_SUFFIXES))}); "
            "put one article per file in it"
        )
    present = {rel for rel, _ in files}
    for name in sorted(set(metas) - present):
        warnings.append(f"{manifest.path}: article file {name!r} is not in {folder}; entry ignored")

    # (file, text, sha256, the page it was extracted from) of the files that can be used
    read: list[tuple[str, str, str, webpage.Page | None]] = []
    seen_hashes: dict[str, str] = {}
    skipped: list[str] = []
    for rel, path in files:
        data = _read_bytes(path, warnings=warnings)
        page = None
        if data is not None and webpage.is_page(path):
            page = webpage.read(data, path=path, warnings=warnings)
            text = None if page is None else page.text
        else:
            text = None if data is None else _decode(data, path=path, warnings=warnings)
        if data is None or text is None:
            skipped.append(rel)
            continue
        if not text.strip():
            warnings.append(f"{path}: empty; skipped")
            skipped.append(rel)
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen_hashes:
            warnings.append(f"{path}: same bytes as {seen_hashes[digest]}; skipped")
            skipped.append(rel)
            continue
        seen_hashes[digest] = rel
        read.append((rel, text, digest, page))
    # A masthead is also a line that tops several files (one site's pages scraped alike).
    mastheads = metadata.shared_mastheads([text for _, text, _, _ in read])
    articles: list[Article] = []
    used_ids: set[str] = set()
    guessed: set[str] = set()  # articles labelled by their headline or file, nothing naming an outlet
    for i, (rel, text, digest, page) in enumerate(read):
        meta = metas.get(rel, ArticleMeta(file=rel))
        doc_id = _unique_id(_slug(Path(rel).with_suffix("").as_posix()), used_ids)
        stated = metadata.read(text, file_outlet=mastheads.get(i) or metadata.outlet_from_filename(rel))
        # The manifest overrides what a page's markup states, and that what its text states.
        site = page.site if page else None
        label = metadata.outlet(rel, stated, site=site)
        if not meta.outlet and label.source in ("headline", "fallback"):
            guessed.add(doc_id)
        articles.append(
            Article(
                id=doc_id,
                path=rel,
                outlet=meta.outlet or label.name,
                title=meta.title or (page and page.title) or stated.title or Path(rel).stem,
                published=meta.published or (page and page.published) or stated.published,
                author=meta.author or (page and page.author) or None,
                url=meta.url or (page and page.url) or None,
                sha256=digest,
                text=text,
                format="html" if page else "text",
            )
        )
    articles = _apart(articles, guessed)
    if not articles:
        # The error ends the run before any warning is printed: it carries the first file's.
        first = next((w for w in warnings if w.startswith(f"{folder / skipped[0]}:")), "") if skipped else ""
        raise CorpusError(
            f"{folder}: none of its {len(skipped)} article files could be used"
            + (f"; the first: {first}" if first else "")
        )
    return Corpus(
        folder=folder,
        manifest=manifest,
        articles=tuple(articles),
        warnings=tuple(warnings),
        skipped=tuple(skipped),
    )


def _apart(articles: list[Article], guessed: set[str]) -> list[Article]:
    """Articles whose outlet nothing names are each their own outlet: two labelled alike (one
    headline saved twice, syndicated copies) get their file's name added ("… (x2)")."""
    counts = Counter(a.outlet for a in articles if a.id in guessed)
    return [
        replace(a, outlet=f"{a.outlet} ({Path(a.path).stem})")
        if a.id in guessed and counts[a.outlet] > 1
        else a
        for a in articles
    ]


def read_manifest(path: Path, *, warnings: list[str]) -> Manifest:
    """Parse ``briefing.toml``; a missing file gives an empty manifest."""
    if not path.is_file():
        return Manifest()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: invalid TOML: {exc}; fix the syntax there") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    _warn_unknown(raw, _TOP_KEYS, f"{path}", warnings)
    story = _table(raw.get("story", {}), f"{path}: [story]")
    _warn_unknown(story, _STORY_KEYS, f"{path}: [story]", warnings)
    themes = tuple(
        _theme(item, where=f"{path}: themes[{i}]", warnings=warnings)
        for i, item in enumerate(_array(raw.get("themes", []), f"{path}: themes"))
    )
    ids = [theme.id for theme in themes]
    if len(set(ids)) != len(ids):
        raise ManifestError(f"{path}: theme ids repeat ({', '.join(ids)}); give each theme its own id")
    articles = tuple(
        _article(item, where=f"{path}: articles[{i}]", warnings=warnings)
        for i, item in enumerate(_array(raw.get("articles", []), f"{path}: articles"))
    )
    aligning = _table(raw.get("alignment", {}), f"{path}: [alignment]")
    _warn_unknown(aligning, _ALIGNMENT_KEYS, f"{path}: [alignment]", warnings)
    semantic = aligning.get("semantic")
    if semantic is not None and not isinstance(semantic, bool):
        raise ManifestError(f"{path}: [alignment] semantic must be true or false, not {semantic!r}")
    return Manifest(
        path=path,
        title=_opt_str(story, "title", f"{path}: [story]"),
        description=_opt_str(story, "description", f"{path}: [story]"),
        themes=themes,
        articles=articles,
        semantic=semantic,
    )


def _text_files(folder: Path) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _page_assets(d, names))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def _page_assets(folder: str, names: list[str]) -> bool:
    """A browser's "Save page as... complete" puts a page's images, scripts and frames (``.htm``
    files among them) in ``Page_files`` beside ``Page.html``: they are the page's, not articles."""
    stem = folder.removesuffix("_files")
    return stem != folder and any(f"{stem}{suffix}" in names for suffix in webpage.SUFFIXES)


def _read_bytes(path: Path, *, warnings: list[str]) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            warnings.append(f"{path}: {size:,} bytes, over the {MAX_FILE_BYTES:,} limit; skipped")
            return None
        return path.read_bytes()
    except OSError as exc:
        warnings.append(f"{path}: cannot be read ({exc.strerror}); skipped")
        return None


def _decode(data: bytes, *, path: Path, warnings: list[str]) -> str | None:
    """Decode as ``Path.read_text(encoding="utf-8")`` would, newlines included."""
    if b"\x00" in data[:8192]:
        warnings.append(f"{path}: binary, not text; skipped")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Windows-1252 is what most non-UTF-8 news text is; offsets then refer to this decoding.
        text = data.decode("cp1252", errors="replace")
        warnings.append(
            f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "read as Windows-1252, save it as UTF-8 to be sure"
        )
    # Universal newlines, exactly as text-mode reading does.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "article"


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _theme(item: Any, *, where: str, warnings: list[str]) -> ThemeSpec:
    table = _table(item, where)
    _warn_unknown(table, _THEME_KEYS, where, warnings)
    theme_id = _opt_str(table, "id", where)
    if not theme_id:
        raise ManifestError(f"{where}: missing 'id'; give the theme a short id such as \"position\"")
    return ThemeSpec(
        id=theme_id,
        title=_opt_str(table, "title", where) or theme_id.replace("-", " ").capitalize(),
        question=_opt_str(table, "question", where) or "",
        terms=_str_list(table, "terms", where),
        examples=_str_list(table, "examples", where),
    )


def _article(item: Any, *, where: str, warnings: list[str]) -> ArticleMeta:
    table = _table(item, where)
    _warn_unknown(table, _ARTICLE_KEYS, where, warnings)
    file = _opt_str(table, "file", where)
    if not file:
        raise ManifestError(f"{where}: missing 'file'; name the article's file, relative to the corpus")
    published = table.get("published")
    if isinstance(published, dt.datetime):
        published = published.date()
    elif isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published)
        except ValueError:
            raise ManifestError(
                f"{where}: 'published' {published!r} is not a date; write 2021-08-17"
            ) from None
    elif published is not None and not isinstance(published, dt.date):
        raise ManifestError(f"{where}: 'published' must be a date such as 2021-08-17")
    return ArticleMeta(
        file=Path(file).as_posix(),
        outlet=_opt_str(table, "outlet", where),
        title=_opt_str(table, "title", where),
        published=published,
        author=_opt_str(table, "author", where),
        url=_opt_str(table, "url", where),
    )


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(f"{where}: expected a table; see the manifest format in README.md")
    return value


def _array(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ManifestError(f"{where}: expected an array of tables ([[...]]); see README.md")
    return value


def _opt_str(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ManifestError(f"{where}: '{key}' must be a string")
    return value.strip() or None


def _str_list(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"{where}: '{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _warn_unknown(table: dict[str, Any], known: frozenset[str], where: str, warnings: list[str]) -> None:
    for key in sorted(set(table) - known):
        warnings.append(f"{where}: unknown key '{key}' ignored (known: {', '.join(sorted(known))})")
