"""Scoring the rule-based mail reading against a labelled mail corpus.

The folder holds RFC 822 files (``*.eml``) and ``labels.json``: per file its class and
the fields a careful buyer reads from it::

    {"d01.eml": {"class": "delay_notice", "supplier": "SUP-HUAXIN",
                 "items": ["MTR-15K-400"], "delay_days": 21,
                 "original_date": null, "new_date": null}}

Classes are the Risk Monitor's (``delay_notice``, ``price_change``, ``other``) plus
``needs_person`` (a possible delay the rules cannot read with confidence: it must reach
a person, never pass as ``other``) and ``refused`` (mail that cannot be read and must be
quarantined). Each mail is parsed as the intake parses it and read by the Risk Monitor
on the demo master data, anchored on the mail's own date, so the figures do not change
with the day they are taken.

Two targets: the mail fields (supplier, items, delay days, dates, price change and its
effective date), micro-averaged over every expected value, at least
:data:`FIELD_TARGET`; and every negative (a mail labelled ``other``) kept ``other``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorOutput
from procureflow.demo import demo_master_data
from procureflow.documents.email_message import parse_email
from procureflow.errors import DocumentRejected, InvalidInput
from procureflow.evaluation.report import (
    CaseFailure,
    Confusion,
    FieldTally,
    KindReport,
    field_accuracy,
    target,
)
from procureflow.runtime.mail_intake import risk_monitor_input

LABELS_FILE = "labels.json"
FIELD_TARGET = 0.97
NEGATIVES_TARGET = 1.0
LABEL_CLASSES = ("delay_notice", "price_change", "other", "needs_person", "refused")
FIELDS = (
    "supplier",
    "items",
    "delay_days",
    "original_date",
    "new_date",
    "price_change_pct",
    "effective_date",
)
# classes whose items a reader must name (a person handling a possible delay needs them too)
_ITEM_CLASSES = ("delay_notice", "price_change", "needs_person")


def load_labels(folder: Path) -> dict[str, dict[str, Any]]:
    """The labels of ``folder``, checked: every labelled mail exists, every class is known."""
    path = folder / LABELS_FILE
    if not path.is_file():
        raise InvalidInput(f"{folder} has no {LABELS_FILE} with the mails' labels")
    try:
        labels = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(labels, dict) or not labels:
        raise InvalidInput(f"{path} must map mail file names to their labels")
    for name, label in labels.items():
        if not isinstance(label, dict) or label.get("class") not in LABEL_CLASSES:
            raise InvalidInput(f"{path}: {name} needs a class, one of {', '.join(LABEL_CLASSES)}")
        if not (folder / name).is_file():
            raise InvalidInput(f"{path}: labelled mail {name} is not in the folder")
    return labels


def predicted_class(output: RiskMonitorOutput) -> str:
    """The corpus class of a reading: a possible delay that goes to a person is its own."""
    return "needs_person" if output.needs_person else output.classification


def _percent(value: object) -> str | None:
    if value is None:
        return None
    try:
        return str(Decimal(str(value)).normalize())
    except InvalidOperation:
        return str(value)


def _day(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None if value is None else str(value)


def expected_fields(label: dict[str, Any]) -> dict[str, object]:
    """What the label says each field should be (None: nothing to read)."""
    cls = label["class"]
    delay = cls == "delay_notice"
    price = cls == "price_change"
    items = label.get("items")
    return {
        "supplier": label.get("supplier"),
        "items": tuple(sorted(items)) if cls in _ITEM_CLASSES and items is not None else None,
        "delay_days": label.get("delay_days") if delay else None,
        "original_date": label.get("original_date") if delay else None,
        "new_date": label.get("new_date") if delay else None,
        "price_change_pct": _percent(label.get("price_change_pct")) if price else None,
        "effective_date": label.get("effective_date") if price else None,
    }


def actual_fields(output: RiskMonitorOutput) -> dict[str, object]:
    """The same fields as the Risk Monitor read them."""
    cls = predicted_class(output)
    delay, price = output.delay, output.price_change
    return {
        "supplier": output.supplier_id,
        "items": tuple(sorted(i.sku for i in output.items)) if cls in _ITEM_CLASSES else None,
        "delay_days": delay.days if delay else None,
        "original_date": _day(delay.original_date) if delay else None,
        "new_date": _day(delay.new_date) if delay else None,
        "price_change_pct": _percent(price.percent) if price else None,
        "effective_date": _day(price.effective_date) if price else None,
    }


def read_case(
    raw: bytes, name: str, agent: RiskMonitorAgent
) -> tuple[str, dict[str, object] | None]:
    """Parse and read one mail as the intake does: its class and fields (None if refused)."""
    try:
        mail = parse_email(raw, source=name)
    except DocumentRejected:
        return "refused", None
    output = agent.decide(risk_monitor_input(mail))
    return predicted_class(output), actual_fields(output)


def evaluate(
    folder: Path, *, reader: Callable[[bytes, str], tuple[str, Any]] | None = None
) -> KindReport:
    """Score the rule-based reading of every labelled mail in ``folder``."""
    labels = load_labels(folder)
    agent = RiskMonitorAgent(demo_master_data())
    read = reader or (lambda raw, name: read_case(raw, name, agent))
    tally = FieldTally()
    pairs: list[tuple[str, str]] = []
    failures: list[CaseFailure] = []
    for name in sorted(labels):
        label = labels[name]
        got_class, got = read((folder / name).read_bytes(), name)
        pairs.append((label["class"], got_class))
        if got_class != label["class"]:
            failures.append(
                CaseFailure(case=name, field="class", expected=label["class"], actual=got_class)
            )
        if label["class"] == "refused":
            continue  # a refused mail has no fields; a wrongly accepted one fails its class
        want = expected_fields(label)
        have = got or dict.fromkeys(FIELDS)
        for field in FIELDS:
            if not tally.compare(field, want[field], have[field]):
                failures.append(
                    CaseFailure(case=name, field=field, expected=want[field], actual=have[field])
                )
    fields = tally.scores()
    negatives = [(e, p) for e, p in pairs if e == "other"]
    negatives_right = sum(1 for e, p in negatives if p == e)
    return KindReport(
        kind="mails",
        cases=len(pairs),
        fields=fields,
        confusion=Confusion.of(pairs),
        targets=[
            target("mail fields", field_accuracy(fields), FIELD_TARGET),
            target(
                "class accuracy on negatives",
                negatives_right / len(negatives) if negatives else 1.0,
                NEGATIVES_TARGET,
            ),
        ],
        failures=failures,
    )


__all__ = [
    "FIELDS",
    "FIELD_TARGET",
    "LABEL_CLASSES",
    "NEGATIVES_TARGET",
    "actual_fields",
    "evaluate",
    "expected_fields",
    "load_labels",
    "predicted_class",
    "read_case",
]
