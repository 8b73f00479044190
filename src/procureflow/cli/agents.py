"""``procureflow agents``: measure the agents' decisions against a labelled corpus."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.evaluation import CorpusReport, evaluate_corpus, evaluate_kind
from procureflow.evaluation.report import Confusion

app = typer.Typer(no_args_is_help=True, help="The agents: how well they decide.")


def _show(report: CorpusReport) -> None:
    for kind in report.reports:
        table = Table(title=f"{kind.kind}: {kind.cases} cases")
        for column in ("field", "precision", "recall"):
            table.add_column(column)
        for score in kind.fields:
            table.add_row(score.field, f"{score.precision:.3f}", f"{score.recall:.3f}")
        console.print(table)
        if kind.confusion is not None:
            _show_confusion(kind.confusion)
        for t in kind.targets:
            mark = "met" if t.met else "NOT MET"
            console.print(f"  {t.name}: {t.value:.4f} (target ≥ {t.target}) {mark}")
        for failure in kind.failures[:20]:
            console.print(
                f"  ✗ {failure.case} {failure.field}: expected {failure.expected!r}, "
                f"got {failure.actual!r}",
                markup=False,
                highlight=False,
            )


def _show_confusion(confusion: Confusion) -> None:
    table = Table(title="classes: expected (rows) × read (columns)")
    table.add_column("expected")
    for label in confusion.labels:
        table.add_column(label, justify="right")
    for expected in confusion.labels:
        row = confusion.counts.get(expected, {})
        table.add_row(expected, *(str(row.get(read, 0) or "") for read in confusion.labels))
    console.print(table)


@app.command("eval")
@one_line_errors
def eval_command(
    corpus: Path = typer.Argument(..., help="Corpus folder (mails/, contracts/, plans/)."),
    kind: str | None = typer.Option(None, "--kind", help="Score only this kind."),
    as_json: bool = JsonOption,
) -> None:
    """Score mail reading, contract terms and plan decisions against their labels;
    exit 1 when a target is not met."""
    if kind is None:
        report = evaluate_corpus(corpus)
    else:
        report = CorpusReport(reports=[evaluate_kind(kind, corpus / kind)])
    emit(report.model_dump(mode="json"), as_json=as_json, human=lambda _: _show(report))
    if not report.targets_met:
        raise typer.Exit(1)


__all__ = ["app"]
