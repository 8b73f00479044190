"""E-invoices in: UBL 2.1 / Peppol BIS 3, UN/CEFACT CII and Factur-X / ZUGFeRD PDFs.

:func:`parse_einvoice` detects the syntax, parses with entities and network access
off, and returns one :class:`~procureflow.domain.invoice.Invoice` whose stated totals
add up; anything else is refused with :class:`~procureflow.errors.DocumentRejected`
naming the reason.
"""

from procureflow.documents.einvoice.parse import (
    DEFAULT_MAX_BYTES,
    parse_einvoice,
    parse_einvoice_file,
)

__all__ = ["DEFAULT_MAX_BYTES", "parse_einvoice", "parse_einvoice_file"]
