"""Small typed readers over an lxml tree: text, decimals and dates, with named errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from procureflow.errors import DocumentRejected


class XmlReader:
    """Reads values from one document, naming the document and element in every error."""

    def __init__(self, namespaces: dict[str, str], subject: str, syntax: str) -> None:
        self.ns = namespaces
        self.subject = subject
        self.syntax = syntax

    def first(self, node: etree._Element, path: str) -> etree._Element | None:
        """The first element at ``path`` under ``node``, or None."""
        found = node.find(path, self.ns)
        return found

    def all(self, node: etree._Element, path: str) -> list[etree._Element]:
        """Every element at ``path`` under ``node``."""
        return list(node.findall(path, self.ns))

    def text(self, node: etree._Element, path: str) -> str | None:
        """The stripped text at ``path``, or None when absent or blank."""
        found = node.find(path, self.ns)
        if found is None or found.text is None:
            return None
        value = found.text.strip()
        return value or None

    def required_text(self, node: etree._Element, path: str, meaning: str) -> str:
        """The text at ``path``; DocumentRejected naming the missing element otherwise."""
        value = self.text(node, path)
        if value is None:
            raise DocumentRejected(
                f"{self.syntax} document is missing {path} ({meaning})", subject=self.subject
            )
        return value

    def decimal(self, node: etree._Element, path: str, meaning: str) -> Decimal | None:
        """The number at ``path`` as a Decimal, None when absent; rejected when not a number."""
        value = self.text(node, path)
        if value is None:
            return None
        return self.to_decimal(value, path, meaning)

    def required_decimal(self, node: etree._Element, path: str, meaning: str) -> Decimal:
        """The number at ``path``; DocumentRejected naming the element when absent or not a number."""
        return self.to_decimal(self.required_text(node, path, meaning), path, meaning)

    def to_decimal(self, value: str, path: str, meaning: str) -> Decimal:
        """``value`` as a finite Decimal; DocumentRejected naming ``path`` otherwise."""
        try:
            number = Decimal(value)
        except InvalidOperation as exc:
            raise DocumentRejected(
                f"{self.syntax} {path} ({meaning}) is not a number: {value!r}",
                subject=self.subject,
            ) from exc
        if not number.is_finite():
            raise DocumentRejected(
                f"{self.syntax} {path} ({meaning}) is not a finite number: {value!r}",
                subject=self.subject,
            )
        return number

    def to_date(self, value: str, path: str, meaning: str) -> date:
        """An ISO (YYYY-MM-DD) or UN/CEFACT format 102 (YYYYMMDD) date."""
        cleaned = value.strip()
        try:
            if len(cleaned) == 8 and cleaned.isdigit():
                return date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
            return date.fromisoformat(cleaned[:10])
        except ValueError as exc:
            raise DocumentRejected(
                f"{self.syntax} {path} ({meaning}) is not a date: {value!r}", subject=self.subject
            ) from exc

    def amount_in_currency(
        self, node: etree._Element, path: str, currency: str, meaning: str
    ) -> Decimal | None:
        """The amount at ``path`` whose currencyID is ``currency`` (or unstated), None when absent.

        Tax totals may be stated twice, in the invoice and in the tax-accounting currency;
        the one in the invoice currency is the one that adds up with the other totals.
        """
        for element in self.all(node, path):
            stated = element.get("currencyID")
            if stated is None or stated.strip().upper() == currency:
                if element.text is None or not element.text.strip():
                    continue
                return self.to_decimal(element.text.strip(), path, meaning)
        return None


__all__ = ["XmlReader"]
