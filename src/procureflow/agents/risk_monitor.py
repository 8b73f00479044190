"""The Risk Monitor agent: reads a supplier mail, recognises a delay notice or a price
change, names the supplier, items, POs and delay, and projects the stock impact.

Rule-based by default (English, German, French); with an :class:`LlmExtractor` the
model's reading is used once every field is checked against the mail and the master
data, and the rules remain the fallback. An unknown sender does not stop the reading:
``unknown_sender`` says so and the playbook raises it as an exception for a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar, Protocol

from procureflow.agents.base import Agent, Alternative, Decision, Evidence, GuardrailCheck
from procureflow.agents.extraction.classify import CLASSES
from procureflow.agents.extraction.facts import read_mail
from procureflow.agents.extraction.lexicon import CLASS_THRESHOLD
from procureflow.agents.llm_extraction import LlmExtractor
from procureflow.agents.risk_monitor_llm import Reading, reading_from_llm, reading_from_rules
from procureflow.agents.risk_monitor_models import (
    DelayFacts,
    RiskMonitorInput,
    RiskMonitorOutput,
)
from procureflow.agents.risk_monitor_notice import reading_from_notice
from procureflow.domain.clock import utcnow
from procureflow.domain.inventory import ImpactProjection, StockPosition, project_impact, worst
from procureflow.domain.master import MasterDataSet, Supplier

NAME = "risk-monitor"
MIN_SCORE_NAME = "min_sku_match_score"
_PLAYBOOKS = {"delay_notice": "supply-disruption", "price_change": "price-change"}


class MasterDataSource(Protocol):
    """Where the agent gets master data: a repository, or a snapshot (``MasterDataSet``)."""

    def load(self) -> MasterDataSet:
        """The current master data."""
        ...


def _sender_domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip().strip(">").lower()


def work_out_delay(reading: Reading, as_of: date) -> DelayFacts:
    """Days of delay and the new arrival date from what the mail states.

    A new date with the original one gives the delay as their difference; a stated
    duration is added to the original date, or to ``as_of`` when the mail gives none
    (the goods are taken to have been due now). A new date alone is the arrival date.
    """
    original, new, days, words = (
        reading.original_date,
        reading.new_date,
        reading.duration_days,
        reading.duration_text,
    )
    if new is not None:
        if original is not None:
            basis = "new date minus original date"
            if days is not None and days != (new - original).days:
                basis += f"; the mail also states {words!r} ({days} days)"
            return DelayFacts(
                days=(new - original).days,
                stated_as=words,
                original_date=original,
                new_date=new,
                arrival_date=new,
                basis=basis,
            )
        return DelayFacts(
            days=days,
            stated_as=words,
            new_date=new,
            arrival_date=new,
            basis="new date as stated"
            + (
                ""
                if days is not None
                else "; original date not stated, so the delay length is unknown"
            ),
        )
    if days is not None:
        start = original or as_of
        basis = (
            "stated duration added to the original date"
            if original
            else "stated duration added to the mail's date (original date not stated)"
        )
        return DelayFacts(
            days=days,
            stated_as=words,
            original_date=original,
            arrival_date=start + timedelta(days=days),
            basis=basis,
        )
    return DelayFacts(
        days=None,
        original_date=original,
        basis="the mail states neither a duration nor a new date",
    )


class RiskMonitorAgent(Agent[RiskMonitorInput, RiskMonitorOutput]):
    """Classifies supplier mail and projects the impact of a delay on stock."""

    name: ClassVar[str] = NAME
    description: ClassVar[str] = (
        "Recognises delay notices and price changes in supplier mail (EN/DE/FR), extracts "
        "supplier, items, POs, delay, reason and force majeure, and projects stock-out, "
        "shortfall and severity per affected item."
    )
    input_model = RiskMonitorInput
    output_model = RiskMonitorOutput

    def __init__(
        self,
        master: MasterDataSource,
        llm: LlmExtractor | None = None,
        *,
        min_sku_match_score: float = 80.0,
    ) -> None:
        """``min_sku_match_score`` (the mandate's bound, 0–100) drops weaker fuzzy matches."""
        self.master = master
        self.llm = llm
        self.min_sku_match_score = min_sku_match_score

    def decide(self, data: RiskMonitorInput) -> RiskMonitorOutput:
        """Read ``data`` and return the classification, every extracted field and the impact."""
        master = self.master.load()
        as_of = data.as_of or (data.sent_at or utcnow()).date()
        if data.notice is not None:
            domain = ""
            supplier = master.supplier(data.notice.supplier_id)
            reading = reading_from_notice(data.notice, master)
            language = ""
            unaffected: list[str] = []
            scores: dict[str, float] = {
                c: (1.0 if c == reading.classification else 0.0) for c in CLASSES
            }
            class_evidence: dict[str, list[str]] = {reading.classification: reading.evidence_lines}
            uncertain: str | None = None
            routine: str | None = None
        else:
            domain = _sender_domain(data.sender)
            supplier = master.supplier_for_domain(domain) if domain else None
            facts = read_mail(data.subject, data.body, master.items, base=as_of)
            reading = reading_from_rules(facts, master)
            if self.llm is not None:
                reading = reading_from_llm(self.llm, data, facts, master, as_of, fallback=reading)
            language = facts.language
            unaffected = list(facts.unaffected_skus)
            uncertain = facts.needs_person
            routine = facts.routine
            scores = {str(k): v for k, v in facts.scores.scores.items()}
            class_evidence = {str(k): v for k, v in facts.scores.evidence.items()}
        if reading.classification != "other":
            uncertain = None  # the reading is a notice after all (a model may say so)
        weak = [i for i in reading.items if i.match != "llm" and i.score < self.min_sku_match_score]
        reading.items = [i for i in reading.items if i not in weak]
        delay = work_out_delay(reading, as_of) if reading.classification == "delay_notice" else None
        impacts = self._impacts(reading, delay, master, as_of)
        severity = worst([i.severity for i in impacts])
        weak_note = "".join(
            f"; {i.sku} dropped: match score {i.score} below {MIN_SCORE_NAME} "
            f"{self.min_sku_match_score}"
            for i in weak
        )
        confidence_checks: list[GuardrailCheck] = []
        note = ""
        if data.notice is None:
            confidence_checks.append(
                GuardrailCheck(
                    name="mail read with confidence",
                    passed=uncertain is None,
                    detail=(
                        f"may speak of a delay the rules cannot read with confidence: "
                        f"{uncertain!r}; a person must read it"
                        if uncertain
                        else f"not a notice: {routine}"
                        if routine
                        else "no uncertain wording about a delivery"
                    ),
                )
            )
            if uncertain:
                note = (
                    " It may speak of a delay that cannot be read with confidence"
                    f" ({uncertain!r}): a person must read it."
                )
        decision = self._decision(
            data,
            reading,
            scores,
            class_evidence,
            supplier,
            domain,
            delay,
            impacts,
            weak_note,
            extra=confidence_checks,
            note=note,
        )
        return RiskMonitorOutput(
            decision=decision,
            classification=reading.classification,
            next_playbook=_PLAYBOOKS.get(reading.classification),
            language=language,
            extraction=reading.extraction,
            scores={k: round(v, 2) for k, v in scores.items()},
            evidence_lines=reading.evidence_lines,
            message_id=data.message_id,
            sender=data.sender,
            sender_domain=domain,
            supplier_id=supplier.supplier_id if supplier else None,
            supplier_name=supplier.name if supplier else None,
            unknown_sender=supplier is None,
            items=reading.items,
            unknown_skus=reading.unknown_skus,
            unaffected_skus=unaffected,
            po_numbers=reading.po_numbers,
            delay=delay,
            reason=reading.reason,
            force_majeure=reading.force_majeure,
            price_change=reading.price_change,
            needs_person=uncertain is not None,
            needs_person_because=uncertain,
            as_of=as_of,
            impacts=impacts,
            severity=severity,
        )

    @staticmethod
    def _impacts(
        reading: Reading, delay: DelayFacts | None, master: MasterDataSet, as_of: date
    ) -> list[ImpactProjection]:
        if delay is None or delay.arrival_date is None:
            return []
        projections = []
        for ref in reading.items:
            item = master.item(ref.sku)
            if item is None:
                continue
            position = StockPosition(
                sku=item.sku,
                on_hand=item.on_hand,
                safety_stock=item.safety_stock,
                daily_demand=item.daily_demand,
                critical=item.critical,
            )
            days = delay.days if delay.days is not None else (delay.arrival_date - as_of).days
            projections.append(
                project_impact(
                    position, as_of=as_of, arrival_date=delay.arrival_date, delay_days=days
                )
            )
        return projections

    @staticmethod
    def _decision(
        data: RiskMonitorInput,
        reading: Reading,
        scores: dict[str, float],
        class_evidence: dict[str, list[str]],
        supplier: Supplier | None,
        domain: str,
        delay: DelayFacts | None,
        impacts: Sequence[ImpactProjection],
        weak_note: str = "",
        *,
        extra: Sequence[GuardrailCheck] = (),
        note: str = "",
    ) -> Decision:
        choice = reading.classification
        alternatives = [
            Alternative(
                option=option,
                score=round(scores[option], 2),
                details={"evidence": class_evidence.get(option, [])[:5]},
                rejected_because=(
                    f"the portal event is a {choice}"
                    if data.notice is not None
                    else f"score {scores[option]:.1f} is below the threshold {CLASS_THRESHOLD:.1f}"
                    if option != "other" and scores[option] < CLASS_THRESHOLD
                    else f"{choice} is better supported"
                ),
            )
            for option in CLASSES
            if option != choice
        ]
        guardrails = [
            GuardrailCheck(
                name="sender is a known supplier",
                passed=supplier is not None,
                detail=_sender_detail(data, supplier, domain),
            )
        ]
        if choice != "other":
            guardrails.append(
                GuardrailCheck(
                    name="items found in the item master",
                    passed=bool(reading.items),
                    detail=(
                        ", ".join(f"{i.sku} ({i.match})" for i in reading.items)
                        or "no SKU or description of the item master found in the mail"
                    )
                    + weak_note,
                )
            )
        if delay is not None:
            guardrails.append(
                GuardrailCheck(
                    name="delay length stated",
                    passed=delay.arrival_date is not None,
                    detail=delay.basis,
                )
            )
        if reading.llm_check is not None:
            guardrails.append(reading.llm_check)
        guardrails.extend(extra)
        kind = "portal event" if data.notice is not None else "email"
        source = f"{kind} {data.message_id or data.sender or '-'}"
        evidence = [
            Evidence(
                source=source,
                excerpt=line,
                location="subject" if line == data.subject else "body",
            )
            for line in reading.evidence_lines
        ]
        if supplier is not None:
            evidence.append(
                Evidence(
                    source="master data: suppliers",
                    excerpt=f"{supplier.supplier_id} {supplier.name}: {';'.join(supplier.email_domains)}",
                    location=supplier.supplier_id,
                )
            )
        total = sum(scores.values()) or 1.0
        return Decision(
            agent=NAME,
            choice=choice,
            alternatives=alternatives,
            guardrails=guardrails,
            evidence=evidence,
            rationale=_rationale(choice, supplier, domain, reading, delay, impacts) + note,
            confidence=round(scores[choice] / total, 3) if reading.extraction != "llm" else None,
        )


def _sender_detail(data: RiskMonitorInput, supplier: Supplier | None, domain: str) -> str:
    if data.notice is not None:
        if supplier is None:
            return f"supplier {data.notice.supplier_id!r} is not in the master data: raise as an exception"
        return f"portal notice from {supplier.supplier_id} ({supplier.name})"
    if supplier is None:
        return f"no supplier lists the mail domain {domain!r}: raise as an exception"
    return f"{domain} → {supplier.supplier_id} ({supplier.name})"


def _rationale(
    choice: str,
    supplier: Supplier | None,
    domain: str,
    reading: Reading,
    delay: DelayFacts | None,
    impacts: Sequence[ImpactProjection],
) -> str:
    who = (
        f"{supplier.name} ({supplier.supplier_id})"
        if supplier
        else f"unknown sender {domain or 'without a known supplier id'}"
    )
    if choice == "other":
        return f"Mail from {who} is neither a delay notice nor a price change."
    skus = ", ".join(i.sku for i in reading.items) or "no known item"
    if choice == "price_change":
        change = reading.price_change
        pct = f" by {change.percent}%" if change and change.percent is not None else ""
        when = f" from {change.effective_date}" if change and change.effective_date else ""
        return f"Price change from {who} for {skus}{pct}{when}."
    text = f"Delay notice from {who} for {skus}"
    if delay and delay.days is not None:
        text += f": {delay.days} days late"
    if delay and delay.arrival_date:
        text += f", now expected {delay.arrival_date}"
    if reading.force_majeure:
        text += "; force majeure invoked"
    for impact in impacts:
        out = f"stock-out {impact.stock_out_date}" if impact.stock_out_date else "no stock-out"
        text += (
            f". {impact.sku}: {out}, shortfall {impact.shortfall_qty}, "
            f"severity {impact.severity.value}"
        )
    return text + "."


__all__ = ["NAME", "MasterDataSource", "RiskMonitorAgent", "work_out_delay"]
