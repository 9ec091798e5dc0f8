"""The reading cache: readings stored as plain JSON and served back exactly, spaCy skipped on a
full hit, and every failure of the cache folder a miss or a warning, never a crash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefing import pipeline
from briefing.cli import app
from briefing.errors import ModelError
from briefing.models import CleanArticle, Reading, Settings
from briefing.read import cache, cleaning, corpus, nlp, records
from briefing.render import export, report

from .conftest import CORPUS, ROOT, Built

runner = CliRunner()


class Counting:
    """nlp.read, counting the articles it is asked to read."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, articles: Sequence[CleanArticle], *, model: str | None = None) -> tuple[Reading, ...]:
        self.calls.append([a.article.id for a in articles])
        return nlp.read(articles, model=model)


@pytest.fixture(scope="module")
def cleaned() -> tuple[CleanArticle, ...]:
    return tuple(cleaning.clean(a) for a in corpus.load(CORPUS).articles)


@pytest.fixture(scope="module")
def readings(cleaned: tuple[CleanArticle, ...]) -> tuple[Reading, ...]:
    return nlp.read(cleaned)


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / cache.READINGS).glob("*.json.gz"))


def test_every_field_of_the_default_corpus_readings_survives_the_entry(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...]
) -> None:
    # The corpus exercises every kind of field: nested mentions with roles and labels, speech
    # without a speaker, figures with parse paths, subject entities, a rule-read tail offset.
    speech = [s for r in readings for s in r.speech]
    assert any(s.speaker is None for s in speech) and any(s.speaker and s.speaker.role for s in speech)
    assert any(m.label for r in readings for m in r.subjects)
    assert any(f.path and f.modifiers for r in readings for f in r.figures)
    assert any(e.subject for r in readings for e in r.entities)
    counting = Counting()
    assert cache.read(cleaned, model=None, folder=tmp_path, reader=counting) == readings
    entries = _entries(tmp_path)
    assert len(entries) == len(readings)
    stored = {}
    for path in entries:
        entry = json.loads(gzip.decompress(path.read_bytes()))
        assert set(entry) == {"format", "key", "reading"}
        reading = records.from_record(Reading, entry["reading"])
        assert records.to_record(reading) == entry["reading"]
        stored[reading.doc] = reading
    for reading in readings:
        assert stored[reading.doc] == reading  # every field, nested dataclasses and tuples included
        assert dataclasses.asdict(stored[reading.doc]) == dataclasses.asdict(reading)


def test_second_read_comes_from_the_cache_alone(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...]
) -> None:
    counting = Counting()
    messages: list[str] = []
    first = cache.read(cleaned, model=None, folder=tmp_path, reader=counting, progress=messages.append)
    second = cache.read(cleaned, model=None, folder=tmp_path, reader=counting, progress=messages.append)
    assert first == second == readings
    assert counting.calls == [[a.article.id for a in cleaned]]  # the second read parsed nothing
    assert messages == [
        f"reading cache: 0 of {len(cleaned)} articles already read",
        f"reading cache: {len(cleaned)} of {len(cleaned)} articles already read",
    ]
    assert (tmp_path / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_only_the_articles_missing_from_the_cache_are_read(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...]
) -> None:
    cache.read(cleaned[1:3], model=None, folder=tmp_path, reader=Counting())
    counting = Counting()
    assert cache.read(cleaned, model=None, folder=tmp_path, reader=counting) == readings
    assert counting.calls == [[cleaned[0].article.id, *(a.article.id for a in cleaned[3:])]]


def test_full_hit_never_imports_spacy(tmp_path: Path, cleaned: tuple[CleanArticle, ...]) -> None:
    cache.read(cleaned, model=None, folder=tmp_path, reader=nlp.read)
    script = (
        "import sys; from pathlib import Path; from briefing import pipeline; from briefing.read import corpus; "
        f"read = pipeline.read_articles(corpus.load(Path({str(CORPUS)!r})).articles, "
        f"cache_dir=Path({str(tmp_path)!r})); "
        "print(len(read.readings), read.model, 'spacy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == [str(len(cleaned)), *nlp.read(cleaned[:1])[0].model.split(), "False"]


def test_same_text_under_another_name_is_a_hit_with_its_own_id(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...]
) -> None:
    cache.read(cleaned[:1], model=None, folder=tmp_path, reader=Counting())
    renamed = dataclasses.replace(cleaned[0], article=dataclasses.replace(cleaned[0].article, id="renamed"))
    counting = Counting()
    (got,) = cache.read([renamed], model=None, folder=tmp_path, reader=counting)
    assert counting.calls == []
    assert got == dataclasses.replace(readings[0], doc="renamed")


def test_key_changes_with_what_spacy_reads_the_pipeline_and_the_code(
    cleaned: tuple[CleanArticle, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    article = cleaned[0]
    key = cache.entry_key(article, identity="a")
    assert cache.entry_key(article, identity="a") == key
    assert cache.entry_key(article, identity="b") != key
    edited = dataclasses.replace(
        article, article=dataclasses.replace(article.article, text=article.article.text + "x")
    )
    assert cache.entry_key(edited, identity="a") != key
    # Furniture marked differently is read differently (blanked), with the text unchanged.
    assert cache.entry_key(dataclasses.replace(article, removed=article.removed[1:]), identity="a") != key
    assert cache.entry_key(dataclasses.replace(article, body=article.body[1:]), identity="a") != key
    monkeypatch.setattr(cache, "code_version", lambda: "another nlp.py")
    assert cache.entry_key(article, identity="a") != key


def test_code_version_covers_nlp_source_and_the_reading_fields() -> None:
    schema = cache._schema(Reading)
    for field in ("figures: tuple[briefing.models.Figure, ...]", "path: tuple[briefing.models.Arc, ...]",
                  "speaker: briefing.models.Mention | None", "kind: typing.Literal"):  # fmt: skip
        assert field in schema
    assert len(cache.code_version()) == 64


def test_pipeline_identity_names_the_installed_pipeline_without_spacy() -> None:
    found = cache.pipeline_identity(None)
    assert found is not None
    identity, model = found
    assert model == nlp.model_name(nlp.pipeline())
    assert "spacy " in identity and "numpy " in identity


def test_unknown_pipeline_bypasses_the_cache_and_fails_as_without_it(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(nlp.MODEL_ENV, "xx_no_such_pipeline")
    assert cache.pipeline_identity(None) is None
    with pytest.raises(ModelError, match="xx_no_such_pipeline"):
        cache.read(cleaned, model=None, folder=tmp_path, reader=nlp.read)
    assert not (tmp_path / cache.READINGS).exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not gzip at all",
        gzip.compress(b"{not json"),
        gzip.compress(b"[1, 2, 3]"),
        gzip.compress(b'{"format": 1, "key": "another", "reading": {}}'),
        gzip.compress(b"\xff\xfe invalid utf-8"),
    ],
    ids=["empty", "not-gzip", "not-json", "not-an-object", "another-key", "not-utf-8"],
)
def test_corrupt_entry_is_a_miss_and_is_rewritten(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...], damage: bytes
) -> None:
    cache.read(cleaned[:1], model=None, folder=tmp_path, reader=Counting())
    (entry,) = _entries(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(damage)
    counting = Counting()
    assert cache.read(cleaned[:1], model=None, folder=tmp_path, reader=counting) == readings[:1]
    assert counting.calls == [[cleaned[0].article.id]]
    assert entry.read_bytes() == good


def test_truncated_entry_and_entry_with_a_missing_field_are_misses(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...]
) -> None:
    cache.read(cleaned[:1], model=None, folder=tmp_path, reader=Counting())
    (path,) = _entries(tmp_path)
    entry = json.loads(gzip.decompress(path.read_bytes()))
    del entry["reading"]["sentences"]
    for damage in (path.read_bytes()[:-20], gzip.compress(json.dumps(entry).encode())):
        path.write_bytes(damage)
        counting = Counting()
        assert cache.read(cleaned[:1], model=None, folder=tmp_path, reader=counting) == readings[:1]
        assert len(counting.calls) == 1


def test_unwritable_cache_folder_is_one_warning_and_the_same_readings(
    tmp_path: Path, cleaned: tuple[CleanArticle, ...], readings: tuple[Reading, ...]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # unwritable even for root, unlike a chmod
    messages: list[str] = []
    got = cache.read(cleaned, model=None, folder=blocker / "cache", reader=nlp.read, progress=messages.append)
    assert got == readings
    warnings = [m for m in messages if "cannot be written" in m]
    assert warnings == [
        f"warning: the reading cache {blocker / 'cache'} cannot be written (Not a directory); reading without it"
    ]


def test_eviction_keeps_the_most_recently_used_entries_under_the_bound(tmp_path: Path) -> None:
    for n in range(5):
        path = tmp_path / f"{n}.json.gz"
        path.write_bytes(b"x" * 100)
        os.utime(path, ns=(n * 10**9, n * 10**9))
    cache.evict(tmp_path, max_bytes=250)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.json.gz", "4.json.gz"]
    cache.evict(tmp_path / "missing", max_bytes=0)  # nothing to do, no error


def test_a_hit_marks_its_entry_recently_used(tmp_path: Path, cleaned: tuple[CleanArticle, ...]) -> None:
    cache.read(cleaned[:2], model=None, folder=tmp_path, reader=Counting())
    for path in _entries(tmp_path):
        os.utime(path, ns=(0, 0))
    cache.read(cleaned[:1], model=None, folder=tmp_path, reader=Counting())
    used = [p for p in _entries(tmp_path) if p.stat().st_mtime_ns > 0]
    assert len(used) == 1


def test_location_is_briefing_cache_else_xdg_else_home() -> None:
    home = Path.home()
    assert cache.location({"BRIEFING_CACHE": "/srv/c", "XDG_CACHE_HOME": "/x"}) == Path("/srv/c")
    assert cache.location({"XDG_CACHE_HOME": "/x"}) == Path("/x/briefing")
    assert cache.location({"BRIEFING_CACHE": "", "XDG_CACHE_HOME": ""}) == home / ".cache" / "briefing"
    assert cache.location({}) == home / ".cache" / "briefing"


def test_suite_never_touches_the_real_cache(reading_cache: Path) -> None:
    assert cache.location() == reading_cache
    assert Path.home() / ".cache" not in (reading_cache, *reading_cache.parents)


def test_build_from_cache_is_byte_identical_to_the_build_without(built: Built, tmp_path: Path) -> None:
    settings = Settings(built=dt.date(2026, 11, 21), cache_dir=tmp_path)  # the fixture's date

    def outputs() -> tuple[bytes, str]:
        briefing = pipeline.build_briefing(CORPUS, settings=settings)
        document = json.dumps(export.to_document(briefing), indent=2, ensure_ascii=False) + "\n"
        return document.encode(), report.render_html(briefing)

    cold = outputs()
    assert len(_entries(tmp_path)) == len(built.briefing.articles)
    warm = outputs()
    assert cold[0] == warm[0] == built.outputs.json.read_bytes()
    assert cold[1] == warm[1] == built.outputs.html.read_text(encoding="utf-8")


def _align(*args: str, env: dict[str, Any]) -> tuple[str, str]:
    result = runner.invoke(app, ["align", str(CORPUS), "--json", "--date", "2026-01-01", *args], env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def test_no_cache_option_neither_reads_nor_fills_the_cache(tmp_path: Path) -> None:
    env = {"BRIEFING_CACHE": str(tmp_path)}
    plain, log = _align("--no-cache", env=env)
    assert not (tmp_path / cache.READINGS).exists() and "reading cache" not in log
    cold, log = _align(env=env)
    assert "reading cache: 0 of 5 articles already read" in log
    assert len(_entries(tmp_path)) == 5
    warm, log = _align(env=env)
    assert "reading cache: 5 of 5 articles already read" in log
    assert plain == cold == warm
