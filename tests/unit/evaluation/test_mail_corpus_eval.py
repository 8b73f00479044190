"""The rule-based mail reading measured on the labelled corpus, in every CI run.

The corpus (``tests/data/corpus/mails``) holds delays, price changes, negatives, possible
delays for a person and broken mail in English, German and French; the held-out corpus
(``tests/data/corpus-heldout/mails``) was written after the rules were fixed and is
scored the same way. Below a target the test fails and prints the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procureflow.cli.agents import app
from procureflow.errors import InvalidInput
from procureflow.evaluation import evaluate_kind
from procureflow.evaluation.mails import FIELD_TARGET, NEGATIVES_TARGET, evaluate
from procureflow.evaluation.report import KindReport

DATA = Path(__file__).resolve().parents[2] / "data"
CORPORA = {
    "corpus": DATA / "corpus" / "mails",
    "held-out": DATA / "corpus-heldout" / "mails",
}


def _figures(report: KindReport) -> str:
    lines = [f"{report.cases} mails"]
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
def test_the_mail_reading_meets_its_targets(name: str) -> None:
    report = evaluate_kind("mails", CORPORA[name])
    print(f"{name}: {_figures(report)}")
    by_name = {t.name: t for t in report.targets}
    assert by_name["mail fields"].target == FIELD_TARGET
    assert by_name["class accuracy on negatives"].target == NEGATIVES_TARGET
    assert report.targets_met, _figures(report)


def test_the_corpus_covers_every_class_and_is_large_enough() -> None:
    labels = json.loads((CORPORA["corpus"] / "labels.json").read_text(encoding="utf-8"))
    classes = {label["class"] for label in labels.values()}
    assert len(labels) >= 70
    assert classes == {"delay_notice", "price_change", "other", "needs_person", "refused"}


def _one_mail_corpus(tmp_path: Path, label: dict[str, object]) -> Path:
    folder = tmp_path / "mails"
    folder.mkdir()
    (folder / "m.eml").write_bytes(
        b"From: sales@atlas-seals.example\r\nSubject: SEAL-MC-35\r\n"
        b"Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n\r\n"
        b"We do not expect any delay for SEAL-MC-35.\r\n"
    )
    (folder / "labels.json").write_text(json.dumps({"m.eml": label}), encoding="utf-8")
    return folder


def test_a_wrong_reading_misses_its_target_and_is_listed(tmp_path: Path) -> None:
    folder = _one_mail_corpus(
        tmp_path,
        {
            "class": "delay_notice",
            "supplier": "SUP-ATLAS",
            "items": ["SEAL-MC-35"],
            "delay_days": 7,
        },
    )
    report = evaluate(folder)
    assert not report.targets_met
    assert {(f.case, f.field) for f in report.failures} >= {
        ("m.eml", "class"),
        ("m.eml", "delay_days"),
    }
    assert report.confusion is not None and report.confusion.counts["delay_notice"] == {"other": 1}
    result = CliRunner().invoke(app, [str(tmp_path), "--kind", "mails", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["targets_met"] is False


def test_a_negative_read_right_meets_the_targets(tmp_path: Path) -> None:
    folder = _one_mail_corpus(tmp_path, {"class": "other", "supplier": "SUP-ATLAS"})
    report = evaluate(folder)
    assert report.targets_met and report.failures == []


def test_labels_that_name_a_missing_mail_or_an_unknown_class_are_refused(tmp_path: Path) -> None:
    folder = _one_mail_corpus(tmp_path, {"class": "maybe"})
    with pytest.raises(InvalidInput, match="needs a class"):
        evaluate(folder)
    (folder / "labels.json").write_text('{"gone.eml": {"class": "other"}}', encoding="utf-8")
    with pytest.raises(InvalidInput, match="gone.eml is not in the folder"):
        evaluate(folder)
