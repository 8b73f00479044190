"""Approved payments out as an ISO 20022 ``pain.001.001.03`` credit-transfer file.

The file is built with ``sepaxml`` and checked against the schema that package ships
before it is returned, so a bank never receives a file that does not validate. Every
IBAN and BIC is checked (checksum, country format) first, and the message id is a
digest of the payments, so exporting the same batch twice yields the same message id
and the bank's duplicate check refuses the second file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from lxml import etree
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from procureflow.domain.canonical import digest
from procureflow.domain.clock import utcnow
from procureflow.domain.money import Money
from procureflow.domain.payment_schedule import PaymentPlan
from procureflow.errors import InvalidInput

PAIN_001_VERSION = "pain.001.001.03"
PAIN_001_NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{PAIN_001_VERSION}"
MAX_ID_LENGTH = 35
MAX_REMITTANCE_LENGTH = 140
CENT = Decimal("0.01")
# The SEPA character set for identifiers (EPC guidelines): no leading slash, no "//".
_SEPA_ID = re.compile(r"[A-Za-z0-9\-?:().,'+][A-Za-z0-9/\-?:().,'+ ]*")


def pain001_schema_path() -> Path:
    """The ``pain.001.001.03`` XSD shipped inside the ``sepaxml`` package."""
    return Path(str(resources.files("sepaxml") / "schemas" / f"{PAIN_001_VERSION}.xsd"))


def validate_iban(value: str, *, owner: str) -> str:
    """The IBAN in compact form; InvalidInput naming the owner and the reason otherwise."""
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise InvalidInput(f"IBAN {value!r} of {owner} is not valid: {exc}") from exc


def validate_bic(value: str, *, owner: str, iban: str | None = None) -> str:
    """The BIC in compact form, checked against the IBAN's country when both are given."""
    try:
        bic = BIC(value)
    except SchwiftyException as exc:
        raise InvalidInput(f"BIC {value!r} of {owner} is not valid: {exc}") from exc
    if iban and bic.country_code != iban[:2] and not _shares_sepa_home(bic.country_code, iban[:2]):
        raise InvalidInput(
            f"BIC {value!r} of {owner} is for country {bic.country_code}, but the IBAN is {iban[:2]}"
        )
    return str(bic.compact)


# Territories whose IBANs carry their own code but whose banks use the parent's BICs.
_SEPA_HOMES = {
    "MC": "FR",
    "GF": "FR",
    "GP": "FR",
    "MQ": "FR",
    "RE": "FR",
    "JE": "GB",
    "GG": "GB",
    "IM": "GB",
}


def _shares_sepa_home(bic_country: str, iban_country: str) -> bool:
    return (
        _SEPA_HOMES.get(iban_country) == bic_country or _SEPA_HOMES.get(bic_country) == iban_country
    )


@dataclass(frozen=True)
class Debtor:
    """The paying company and the account the money leaves from."""

    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True)
class CreditTransfer:
    """One approved payment: who gets how much, when, and which invoices it settles.

    ``payment_id`` is the end-to-end id the supplier's bank reports back (at most 35
    characters); use the payment's idempotency key.
    """

    payment_id: str
    creditor_name: str
    iban: str
    amount: Money
    execution_date: date
    remittance: str
    bic: str | None = None


def transfer_for_plan(
    plan: PaymentPlan,
    *,
    payment_id: str,
    iban: str,
    bic: str | None = None,
    creditor_name: str | None = None,
) -> CreditTransfer:
    """The credit transfer that carries out a payment plan.

    The bank details should come from the supplier's validated master data, not from
    the invoice: a changed account on an invoice is a classic fraud.
    """
    settled = [plan.invoice_number, *(offset.split(":")[0] for offset in plan.offsets)]
    remittance = " ".join(settled)
    if plan.takes_discount:
        remittance += f" less {plan.discount.amount} early-payment discount"
    return CreditTransfer(
        payment_id=payment_id,
        creditor_name=creditor_name or plan.supplier_name,
        iban=iban,
        amount=plan.amount,
        execution_date=plan.pay_on,
        remittance=remittance,
        bic=bic,
    )


def _checked(transfer: CreditTransfer, currency: str) -> dict[str, object]:
    owner = f"payment {transfer.payment_id} to {transfer.creditor_name}"
    if not transfer.payment_id or len(transfer.payment_id) > MAX_ID_LENGTH:
        raise InvalidInput(f"{owner}: payment id must be 1 to {MAX_ID_LENGTH} characters")
    if not _SEPA_ID.fullmatch(transfer.payment_id) or "//" in transfer.payment_id:
        raise InvalidInput(
            f"{owner}: payment id may use only letters, digits and / - ? : ( ) . , ' + "
            "and must not start with / or contain //"
        )
    if transfer.amount.currency != currency:
        raise InvalidInput(
            f"{owner}: amount is in {transfer.amount.currency}, the file is in {currency}"
        )
    amount = transfer.amount.amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise InvalidInput(f"{owner}: amount must be positive, got {transfer.amount}")
    iban = validate_iban(transfer.iban, owner=owner)
    payment: dict[str, object] = {
        "name": transfer.creditor_name,
        "IBAN": iban,
        "amount": int(amount * 100),
        "execution_date": transfer.execution_date,
        "description": transfer.remittance[:MAX_REMITTANCE_LENGTH] or transfer.payment_id,
        "endtoend_id": transfer.payment_id,
    }
    if transfer.bic:
        payment["BIC"] = validate_bic(transfer.bic, owner=owner, iban=iban)
    return payment


def _message_id(debtor: Debtor, transfers: Sequence[CreditTransfer]) -> str:
    content = {
        "debtor": debtor.iban,
        "payments": sorted(
            [t.payment_id, str(t.amount.amount), t.amount.currency, t.execution_date.isoformat()]
            for t in transfers
        ),
    }
    return "PF-" + digest(content)[: MAX_ID_LENGTH - 3]


def export_pain001(
    debtor: Debtor,
    transfers: Sequence[CreditTransfer],
    *,
    created_at: datetime | None = None,
) -> bytes:
    """The ``pain.001.001.03`` XML for ``transfers`` from ``debtor``'s account, schema-valid.

    All transfers must be in one currency (one file per currency); a non-euro file
    leaves out the SEPA service level. Raises InvalidInput naming the bad payment.
    """
    if not transfers:
        raise InvalidInput("no approved payments to export")
    currency = transfers[0].amount.currency
    debtor_iban = validate_iban(debtor.iban, owner=f"debtor {debtor.name}")
    config: dict[str, object] = {
        "name": debtor.name,
        "IBAN": debtor_iban,
        "batch": True,
        "currency": currency,
        "domestic": currency != "EUR",
    }
    if debtor.bic:
        config["BIC"] = validate_bic(debtor.bic, owner=f"debtor {debtor.name}", iban=debtor_iban)
    ids = [t.payment_id for t in transfers]
    if len(ids) != len(set(ids)):
        raise InvalidInput("the same payment id appears twice in one export")
    payments = [_checked(t, currency) for t in transfers]
    sepa = SepaTransfer(config, schema=PAIN_001_VERSION, clean=True)
    for payment in payments:
        sepa.add_payment(payment)
    raw = sepa.export(validate=False)
    return _finalise(raw, _message_id(debtor, transfers), created_at or utcnow())


def _finalise(raw: bytes, message_id: str, created_at: datetime) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(raw, parser=parser)
    ns = {"p": PAIN_001_NAMESPACE}
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    if header is None:  # pragma: no cover - sepaxml always writes a group header
        raise InvalidInput("credit transfer file has no group header")
    header.find("p:MsgId", ns).text = message_id
    header.find("p:CreDtTm", ns).text = created_at.strftime("%Y-%m-%dT%H:%M:%S")
    for index, info_id in enumerate(root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId", ns)):
        info_id.text = f"{message_id[: MAX_ID_LENGTH - 4]}-{index + 1:03d}"
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    schema = etree.XMLSchema(etree.parse(str(pain001_schema_path())))
    if not schema.validate(etree.fromstring(document, parser=parser)):
        errors = "; ".join(str(e.message) for e in schema.error_log)
        raise InvalidInput(
            f"credit transfer file does not validate against {PAIN_001_VERSION}: {errors}"
        )
    return bytes(document)


def file_digest(document: bytes) -> str:
    """SHA-256 of an exported file, for the audit ledger."""
    return hashlib.sha256(document).hexdigest()


__all__ = [
    "PAIN_001_VERSION",
    "CreditTransfer",
    "Debtor",
    "export_pain001",
    "file_digest",
    "pain001_schema_path",
    "transfer_for_plan",
    "validate_bic",
    "validate_iban",
]
