"""PAdES signatures with pyHanko, each added as an incremental update so that earlier
co-signers' signatures stay valid; every signer gets their own visible signature field
with their profile's stamp."""

from __future__ import annotations

import io
import re

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError

from procureflow.documents.pdfguard import open_pdf, signature_field_names
from procureflow.documents.profiles import SignatureProfile
from procureflow.documents.stamping import resolve_page, signed_stamp_style
from procureflow.errors import Conflict, DocumentRejected

# EC P-256 CMS with the signer and CA certificates is ~2 KB; RSA-4096 chains fit too.
SIGNATURE_BYTES_RESERVED = 12288


def field_name_for(profile: SignatureProfile) -> str:
    """The signature field a profile signs in (one per co-signer)."""
    return "Signature_" + re.sub(r"[^A-Za-z0-9]", "_", profile.name)


def existing_signatures(data: bytes, *, name: str = "PDF") -> list[str]:
    """Field names of the signatures already in the PDF (checks the PDF opens cleanly)."""
    with open_pdf(data, name=name) as pdf:
        return signature_field_names(pdf)


def sign_pdf(
    data: bytes,
    profile: SignatureProfile,
    signer: signers.Signer,
    *,
    image: bytes | None = None,
    name: str = "PDF",
) -> bytes:
    """Add ``profile``'s PAdES signature (visible, with its stamp) as an incremental update.

    Refuses a second signature by the same profile: a co-signer signs once.
    """
    already = existing_signatures(data, name=name)
    field_name = field_name_for(profile)
    if field_name in already:
        raise Conflict(f"{profile.name} has signed this document already", subject=name)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        pages = int(writer.root["/Pages"]["/Count"])
        place = profile.placement
        box = (
            int(place.x),
            int(place.y),
            int(place.x + place.width),
            int(place.y + place.height),
        )
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=profile.reason,
            location=profile.location,
            name=profile.signer_name,
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=signed_stamp_style(profile, image),
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=field_name, on_page=resolve_page(place, pages), box=box
            ),
        )
        out = io.BytesIO()
        # a fixed reservation spares pyHanko a dry-run signature to measure the CMS size
        pdf_signer.sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_BYTES_RESERVED)
        return out.getvalue()
    except SigningError as exc:
        raise Conflict(
            f"the document does not accept another signature: {exc}", subject=name
        ) from exc
    except PdfError as exc:
        raise DocumentRejected(f"cannot sign this PDF: {exc}", subject=name) from exc


__all__ = ["existing_signatures", "field_name_for", "sign_pdf"]
