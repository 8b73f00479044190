"""The labelled plan corpus: every recovery-plan decision right, checked in CI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer
from typer.testing import CliRunner

from procureflow.cli.agents import app as agents

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
runner = CliRunner()
app = typer.Typer()  # `procureflow agents …` as the console script mounts it
app.add_typer(agents, name="agents")


def test_every_plan_in_the_corpus_is_right() -> None:
    result = runner.invoke(app, ["agents", "eval", str(CORPUS), "--kind", "plans", "--json"])
    report = json.loads(result.stdout)["reports"][0]
    assert report["failures"] == []
    assert report["cases"] >= 6
    assert report["targets"] == [{"name": "plans right", "value": 1.0, "target": 1.0, "met": True}]
    assert result.exit_code == 0


def test_a_wrong_decision_misses_the_target_and_names_the_case(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    source = CORPUS / "plans" / "05_only_air_meets_the_need_date.json"
    shutil.copy(source, plans / source.name)
    case = json.loads(source.read_text("utf-8"))
    case["expected"]["chosen_modes"] = ["sea"]  # the label a late plan would match
    (plans / "wrong.json").write_text(json.dumps(case), "utf-8")
    result = runner.invoke(app, ["agents", "eval", str(tmp_path), "--kind", "plans", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)["reports"][0]
    assert report["targets"][0]["value"] == 0.5 and not report["targets"][0]["met"]
    assert [(f["field"], f["expected"], f["actual"]) for f in report["failures"]] == [
        ("chosen_modes", ["sea"], ["air"])
    ]
