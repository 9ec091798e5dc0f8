"""Quoted words that outlets credit to different speakers: flagged in briefing.json (and its
schema) and in the PDF, as an analyst reading either must see the conflict."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from briefing.render import export
from tests.conftest import build_logged

# The same two sentences in both articles; the rest of each differs, so that neither is a reprint.
QUOTE = (
    "“We will not send troops to the region again this year. Our soldiers have done "
    "their part and they are all coming home before the winter,”"
)
ALPHA = (
    "Government rules out a new deployment\n\n"
    "The government ruled out sending more troops abroad on Tuesday, ending weeks of speculation.\n\n"
    "{quote} said {speaker}.\n\n"
    "Opposition leaders welcomed the decision but asked for a full debate in parliament.\n"
)
BETA = (
    "No new troops for the region, ministers say\n\n"
    "Ministers told reporters in the capital that no further deployment was planned for now.\n\n"
    "{quote} said {speaker}.\n\n"
    "Military analysts said the decision reflected the cost of the previous mission.\n"
)


@dataclass(frozen=True)
class Build:
    document: dict[str, Any]
    pdf: Path
    pdf_text: str
    weasyprint_logs: tuple[str, ...]


def _build(folder: Path, out: Path, *, alpha: str, beta: str) -> Build:
    """Two made-up articles quoting the same words, said by ``alpha`` in one and ``beta`` in the
    other, built as `briefing build` does, with WeasyPrint's warnings captured."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    folder.mkdir()
    (folder / "alpha.txt").write_text(ALPHA.format(quote=QUOTE, speaker=alpha), encoding="utf-8")
    (folder / "beta.txt").write_text(BETA.format(quote=QUOTE, speaker=beta), encoding="utf-8")
    _briefing, outputs, records = build_logged(folder, out)
    done = subprocess.run([pdftotext, str(outputs.pdf), "-"], capture_output=True, text=True, check=True)
    return Build(
        document=json.loads(outputs.json.read_text(encoding="utf-8")),
        pdf=outputs.pdf,
        pdf_text=" ".join(done.stdout.split()),
        weasyprint_logs=tuple(records),
    )


@pytest.fixture(scope="module")
def conflict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    root = tmp_path_factory.mktemp("conflict")
    yield _build(root / "corpus", root / "out", alpha="Maria Okafor", beta="Ivan Petrov")


@pytest.fixture(scope="module")
def agreed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    root = tmp_path_factory.mktemp("agreed")
    yield _build(root / "corpus", root / "out", alpha="Maria Okafor", beta="Maria Okafor")


def test_json_lists_the_other_speaker_credited_with_the_quote(conflict: Build) -> None:
    [quote] = conflict.document["quotes"]
    assert quote["outlets"] == ["Alpha", "Beta"]
    assert {quote["speaker"], *quote["credited_also"]} == {"Maria Okafor", "Ivan Petrov"}
    assert len(quote["credited_also"]) == 1


def test_schema_validates_a_document_with_a_flagged_quote(conflict: Build) -> None:
    jsonschema.validate(conflict.document, export.schema())
    without = copy.deepcopy(conflict.document)
    del without["quotes"][0]["credited_also"]
    with pytest.raises(jsonschema.ValidationError, match="credited_also"):
        jsonschema.validate(without, export.schema())


def test_pdf_flags_a_quote_credited_to_another_speaker(conflict: Build) -> None:
    [quote] = conflict.document["quotes"]
    [other] = quote["credited_also"]
    assert f"{quote['speaker']}: Also credited to: {other} “We will not send troops" in conflict.pdf_text
    assert conflict.weasyprint_logs == ()


def test_pdf_does_not_flag_a_quote_every_outlet_credits_alike(agreed: Build) -> None:
    [quote] = agreed.document["quotes"]
    assert (quote["speaker"], quote["credited_also"]) == ("Maria Okafor", [])
    assert "Maria Okafor: “We will not send troops" in agreed.pdf_text  # printed, without the flag
    assert "Also credited to" not in agreed.pdf_text
    jsonschema.validate(agreed.document, export.schema())
