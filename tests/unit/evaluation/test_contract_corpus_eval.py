"""Contract-term reading and supplier linking measured on the labelled contract corpus,
in every CI run.

The corpus (``tests/data/corpus/contracts``) holds English, German and French contracts
as DOCX and as the PDF printed from them; the held-out corpus
(``tests/data/corpus-heldout/contracts``) was written after the rules were fixed and is
scored the same way. Below a target the test fails and prints the figures.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procureflow.cli.agents import app
from procureflow.errors import InvalidInput
from procureflow.evaluation import evaluate_kind
from procureflow.evaluation.contracts import FIELD_TARGET, UNKNOWN_TARGET, evaluate
from procureflow.evaluation.report import KindReport

DATA = Path(__file__).resolve().parents[2] / "data"
CORPORA = {
    "corpus": DATA / "corpus" / "contracts",
    "held-out": DATA / "corpus-heldout" / "contracts",
}


def _figures(report: KindReport) -> str:
    lines = [f"{report.cases} contract files"]
    lines += [f"{t.name}: {t.value:.4f} (target {t.target})" for t in report.targets]
    lines += [
        f"  {f.field}: precision {f.precision:.3f} recall {f.recall:.3f}" for f in report.fields
    ]
    lines += [
        f"  ✗ {x.case} {x.field}: expected {x.expected!r}, got {x.actual!r}"
        for x in report.failures
    ]
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_the_contract_reading_meets_its_targets(name: str) -> None:
    report = evaluate_kind("contracts", CORPORA[name])
    print(f"{name}: {_figures(report)}")
    by_name = {t.name: t for t in report.targets}
    assert by_name["contract fields"].target == FIELD_TARGET
    assert by_name["unknown parties left unlinked"].target == UNKNOWN_TARGET
    assert report.targets_met, _figures(report)


def test_the_corpus_covers_languages_formats_and_an_unknown_party() -> None:
    folder = CORPORA["corpus"]
    labels = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    assert len(labels) >= 12
    assert all((folder / f"{stem}.docx").is_file() for stem in labels)
    assert all((folder / f"{stem}.pdf").is_file() for stem in labels)
    assert {stem.split("_")[1] for stem in labels} >= {"en", "de", "fr"}
    assert any(label["supplier_id"] is None for label in labels.values())
    assert sum(bool(label["milestones"]) for label in labels.values()) >= 3


def _one_contract_corpus(tmp_path: Path, **changes: object) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    stem = "c07_en_midwest_us_dates"
    shutil.copy(CORPORA["corpus"] / f"{stem}.docx", folder / f"{stem}.docx")
    label = json.loads((CORPORA["corpus"] / f"{stem}.json").read_text(encoding="utf-8"))
    label.update(changes)
    (folder / f"{stem}.json").write_text(json.dumps(label), encoding="utf-8")
    return folder


def test_a_contract_read_right_meets_the_targets(tmp_path: Path) -> None:
    report = evaluate(_one_contract_corpus(tmp_path))
    assert report.targets_met and report.failures == [], _figures(report)


def test_a_wrong_reading_misses_its_target_and_is_listed(tmp_path: Path) -> None:
    folder = _one_contract_corpus(tmp_path, end_date="2029-12-31", supplier_id=None)
    report = evaluate(folder)
    assert not report.targets_met
    assert {(f.case, f.field) for f in report.failures} == {
        ("c07_en_midwest_us_dates.docx", "end_date"),
        ("c07_en_midwest_us_dates.docx", "supplier_id"),
    }
    result = CliRunner().invoke(app, [str(tmp_path), "--kind", "contracts", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["targets_met"] is False


def test_a_label_without_its_contract_is_refused(tmp_path: Path) -> None:
    folder = _one_contract_corpus(tmp_path)
    (folder / "c07_en_midwest_us_dates.docx").unlink()
    with pytest.raises(InvalidInput, match="is missing"):
        evaluate(folder)
