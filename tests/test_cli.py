"""The CLI: exit codes, stdout for results, stderr for progress and errors, help with examples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from tests.conftest import CORPUS

runner = CliRunner()


def test_every_command_has_help_with_an_example() -> None:
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.stdout, name


def test_help_shows_the_extras_install_commands_whole() -> None:
    # Square brackets are markup to rich: "briefing[dask]" once printed as "briefing".
    result = runner.invoke(app, ["build", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "pip install 'briefing[dask]'" in text
    assert "pip install 'briefing[semantic]'" in text


def test_align_prints_table_on_stdout_and_summary_on_stderr() -> None:
    result = runner.invoke(app, ["align", str(CORPUS), "--date", "2026-11-21"])
    assert result.exit_code == 0, result.stderr
    assert "shared claims" in result.stdout
    assert "5 articles" in result.stderr
    assert "5 articles" not in result.stdout


def test_align_json_is_the_briefing_document() -> None:
    result = runner.invoke(app, ["align", str(CORPUS), "--json", "--date", "2026-11-21"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "briefing/1"
    assert len(document["documents"]) == 5


def test_missing_corpus_is_one_line_error_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: {tmp_path / 'nope'}: no such folder; pass the folder that holds the articles"]


def test_bad_date_is_usage_error_exit_2() -> None:
    result = runner.invoke(app, ["align", str(CORPUS), "--date", "yesterday"])
    assert result.exit_code == 2
    assert "--date" in result.stderr


def test_skipped_file_gives_exit_3_and_warning(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("alpha.txt", "beta.txt"):
        shutil.copy(CORPUS / "associated-press.txt", corpus / name.replace(".txt", "-ap.txt"))
    (corpus / "gamma.txt").write_bytes(b"\x00\x01binary")
    (corpus / "beta-ap.txt").write_text((CORPUS / "foreign-policy.txt").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["align", str(corpus)])
    assert result.exit_code == 3, result.stderr
    assert "gamma.txt: binary" in result.stderr


def test_strict_turns_warning_into_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A quiet day in the capital, officials said on Monday.\n")
    (tmp_path / "b.txt").write_bytes(b"\x00binary")
    result = runner.invoke(app, ["align", str(tmp_path), "--strict"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "--strict" in result.stderr


@pytest.mark.slow
def test_installed_command_runs_as_subprocess() -> None:
    exe = shutil.which("briefing") or str(Path(sys.executable).with_name("briefing"))
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert "build" in done.stdout and "align" in done.stdout
    module = subprocess.run(
        [sys.executable, "-m", "briefing", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert module.returncode == 0 and module.stdout.startswith("briefing ")


@pytest.mark.slow
def test_wheel_builds_briefing_outside_the_checkout(tmp_path: Path) -> None:
    """The wheel carries the templates and the schema: build from another folder with it alone."""
    target = tmp_path / "site"
    root = CORPUS.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(root)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (target / "briefing" / "templates" / "briefing.html.j2").is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(CORPUS), "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str(tmp_path / "out" / "briefing.pdf")
    assert (tmp_path / "out" / "briefing.pdf").read_bytes().startswith(b"%PDF-")


def test_themes_prints_a_manifest_snippet() -> None:
    import tomllib

    result = runner.invoke(app, ["themes", str(CORPUS), "--count", "2"])
    assert result.exit_code == 0, result.stderr
    parsed = tomllib.loads(result.stdout)
    assert 1 <= len(parsed["themes"]) <= 2
    assert "themes suggested" in result.stderr
