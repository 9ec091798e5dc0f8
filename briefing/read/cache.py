"""The reading cache: each article's Reading kept on disk, so text read once is not parsed again.

The NLP pass is most of a build (importing spaCy, loading its pipeline, parsing), and builds of
the same articles repeat: CI artifacts, e-mailed briefings, a rebuild after a manifest edit. An
entry is one article's ``Reading`` as a plain record (``briefing.read.records``), gzip'd JSON, never a
pickle, under a key that changes whenever the reading could: what spaCy reads of the article (its
text, body spans and furniture spans), the pipeline (its package or folder, its files, and the
versions of spaCy, thinc and numpy), and the reading code (the source of ``briefing/read/nlp.py`` and
``briefing/read/records.py``, and the fields of ``Reading``). A hit for every article means spaCy is
never imported. The cache is an optimisation only: an entry that cannot be read is a miss, a
folder that cannot be written is skipped with one warning, and the folder is kept under
``MAX_BYTES`` by evicting the entries least recently used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import importlib.metadata
import json
import os
import typing
import zlib
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path

from briefing.errors import OutputError
from briefing.files import write_atomic
from briefing.models import CleanArticle, Reading
from briefing.read import nlp, records

ENV = "BRIEFING_CACHE"
# Bumped by hand when the entry layout changes; the code's own changes are in the key already.
FORMAT = 1
# Entries live in this subfolder of the cache folder, one file each.
READINGS = "readings"
# An entry of the default corpus is 3.7-5.7 KB (gzip'd JSON, articles of 1,100-1,900 words), so
# 256 MB holds the readings of about 50,000 articles; past it, the least recently used go first.
MAX_BYTES = 256 * 1024 * 1024
# Versions of what computes a parse besides the pipeline's own files.
LIBRARIES = ("spacy", "thinc", "numpy")
# https://bford.info/cachedir/: backup and archiving tools skip a folder holding this file.
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# The reading cache of briefing; safe to delete.\n"

Reader = Callable[..., tuple[Reading, ...]]
Progress = Callable[[str], None]


def location(environ: Mapping[str, str] | None = None) -> Path:
    """The cache folder: ``$BRIEFING_CACHE``, else ``$XDG_CACHE_HOME/briefing``, else
    ``~/.cache/briefing``."""
    env = os.environ if environ is None else environ
    if env.get(ENV):
        return Path(env[ENV]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]).expanduser() / "briefing"
    return Path.home() / ".cache" / "briefing"


def read(
    articles: Sequence[CleanArticle],
    *,
    model: str | None,
    folder: Path,
    reader: Reader,
    progress: Progress | None = None,
) -> tuple[Reading, ...]:
    """``reader(articles, model=model)`` (``nlp.read``) through the cache in ``folder``: the
    articles it holds come from it, the others are read and stored; results in order."""
    say = progress or (lambda _message: None)
    found = pipeline_identity(model)
    if found is None:  # a pipeline spaCy alone can name (or none installed: nlp says so)
        return reader(articles, model=model)
    identity, expected_model = found
    keys = [entry_key(article, identity=identity) for article in articles]
    entries = folder / READINGS
    readings: list[Reading | None] = [_load(entries / f"{key}.json.gz", key) for key in keys]
    missing = [i for i, reading in enumerate(readings) if reading is None]
    say(f"reading cache: {len(articles) - len(missing)} of {len(articles)} articles already read")
    if missing:
        fresh = reader([articles[i] for i in missing], model=model)
        for i, reading in zip(missing, fresh, strict=True):
            readings[i] = reading
        if all(reading.model == expected_model for reading in fresh):
            _store(folder, [(keys[i], reading) for i, reading in zip(missing, fresh, strict=True)], say)
    return tuple(
        dataclasses.replace(reading, doc=article.article.id)
        for article, reading in zip(articles, readings, strict=True)
        if reading is not None
    )


def entry_key(article: CleanArticle, *, identity: str) -> str:
    """The key of one article's reading: what spaCy reads of it, the pipeline, the code."""
    # The text and the spans nlp.read works from: the body's pieces and the furniture blanked
    # inside them. Not the article's id or file: the same text under another name is a hit.
    read_of = {
        "text": article.article.text,
        "body": [(span.start, span.end) for span in article.body],
        "removed": [(removal.start, removal.end) for removal in article.removed],
    }
    digest = hashlib.sha256()
    for part in (str(FORMAT), identity, code_version(), json.dumps(read_of)):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def code_version() -> str:
    """A hash of the code that makes a Reading: nlp.py and records.py, and Reading's fields."""
    digest = hashlib.sha256()
    for module in (nlp, records):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(_schema(Reading).encode("utf-8"))
    return digest.hexdigest()


def _schema(cls: type) -> str:
    """The fields of a dataclass and of the dataclasses inside it, with their types."""
    parts = []
    for name, hint in typing.get_type_hints(cls).items():
        parts.append(f"{name}: {hint}")
        parts.extend(_schema(inner) for inner in _dataclasses_in(hint) if inner is not cls)
    return f"{cls.__name__}({', '.join(parts)})"


def _dataclasses_in(hint: object) -> list[type]:
    """The dataclasses a type hint names: ``Speech`` in ``tuple[Speech, ...]``, ``Mention | None``."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return [hint]
    return [inner for arg in typing.get_args(hint) for inner in _dataclasses_in(arg)]


def pipeline_identity(model: str | None) -> tuple[str, str] | None:
    """What identifies the pipeline nlp.read would load, found without importing spaCy: its
    package (or folder) and a fingerprint of its files, with the libraries' versions; and the
    Reading.model it gives ("en_core_web_sm 3.8.0"). None when it cannot be told without spaCy."""
    wanted = model or os.environ.get(nlp.MODEL_ENV) or None
    # As spacy.load takes a name: an installed package first, else a folder (nlp._load tries
    # the default pipelines in turn).
    for candidate in (wanted,) if wanted else nlp.DEFAULT_MODELS:
        found = _package(candidate) or _folder(candidate)
        if found is not None:
            where, meta = found
            versions = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
            return f"{where}; {versions}", _model_name(meta)
    return None


def _package(name: str) -> tuple[str, Path] | None:
    """An installed pipeline package: its name, version and RECORD's hash; its meta.json."""
    if name.startswith("blank:"):
        return None
    try:
        dist = importlib.metadata.distribution(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None
    record = dist.read_text("RECORD")  # the hash of every installed file: a fingerprint
    meta = Path(str(dist.locate_file(f"{name}/meta.json")))
    if record is None or not meta.is_file():
        return None  # an editable or unusual install: let spaCy read it every time
    fingerprint = hashlib.sha256(record.encode("utf-8")).hexdigest()
    return f"package {name} {dist.version} {fingerprint}", meta


def _folder(name: str) -> tuple[str, Path] | None:
    """A pipeline folder: its path and every file's size and modification time; its meta.json."""
    root = Path(name)
    meta = root / "meta.json"
    if not meta.is_file():
        return None
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return f"folder {root.resolve()} {digest.hexdigest()}", meta


def _model_name(meta: Path) -> str:
    """Reading.model as nlp.model_name gives it from the loaded pipeline's meta."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    return f"{data.get('lang', '')}_{data.get('name', '')} {data.get('version', '')}".strip()


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _load(path: Path, key: str) -> Reading | None:
    """The entry at ``path``, or None when it is missing, corrupt or not this key's."""
    try:
        entry = json.loads(gzip.decompress(path.read_bytes()))
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        reading = records.from_record(Reading, entry["reading"])
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, AttributeError):
        return None  # gzip.BadGzipFile is an OSError; json's errors and bad UTF-8 ValueErrors
    with contextlib.suppress(OSError):  # a read-only cache still serves
        os.utime(path)  # recently used: eviction takes the oldest first
    return reading


def _store(folder: Path, entries: Sequence[tuple[str, Reading]], say: Progress) -> None:
    """Write the entries (each atomically), then evict past MAX_BYTES; a folder that cannot be
    written is reported once and skipped."""
    readings = folder / READINGS
    try:
        readings.mkdir(parents=True, exist_ok=True)
        tag = folder / "CACHEDIR.TAG"
        if not tag.exists():
            write_atomic(tag, TAG.encode("ascii"))
        for key, reading in entries:
            entry = {"format": FORMAT, "key": key, "reading": records.to_record(reading)}
            data = json.dumps(entry, separators=(",", ":")).encode("ascii")
            write_atomic(readings / f"{key}.json.gz", gzip.compress(data, mtime=0))
    except (OSError, OutputError) as exc:
        reason = f" ({exc.strerror})" if isinstance(exc, OSError) and exc.strerror else ""
        say(f"warning: the reading cache {folder} cannot be written{reason}; reading without it")
        return
    evict(readings, max_bytes=MAX_BYTES)


def evict(readings: Path, *, max_bytes: int) -> None:
    """Delete the least recently used entries until the folder holds at most ``max_bytes``."""
    files = []
    try:
        with os.scandir(readings) as scan:
            for entry in scan:
                try:
                    stat = entry.stat()
                except OSError:
                    continue  # evicted meanwhile by another build
                files.append((stat.st_mtime_ns, stat.st_size, entry.path))
    except OSError:
        return
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        try:
            os.unlink(path)
        except OSError:
            continue  # gone already (another build evicting), or not ours to delete
        total -= size
