"""Signature stamps: name, title, organisation, date and an optional signature image, set
in an embedded Caladea font so they render the same everywhere.

The same style serves the *draft* stamp (pre-applied to a review copy before anyone
signs) and the visible appearance of the final PAdES signature.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import pikepdf
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStamp, TextStampStyle
from pyhanko.stamp.appearances import CoordinateSystem

from procureflow.documents.pdfguard import open_pdf, strip_signatures
from procureflow.documents.profiles import Placement, SignatureProfile
from procureflow.domain.clock import utcnow
from procureflow.errors import ConfigError, DocumentRejected

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/crosextra"),
    Path("/usr/share/fonts/truetype/caladea"),
    Path("/usr/local/share/fonts"),
)
FONT_FILE = "Caladea-Regular.ttf"

SIGNED_TEXT = "Signed by %(signer)s\n%(title)s, %(organisation)s\n%(reason)s\nDate: %(date)s"
DRAFT_TEXT = (
    "DRAFT - to be signed (%(position)s)\n%(signer)s\n%(title)s, %(organisation)s\nDate: on signing"
)


@lru_cache(maxsize=1)
def stamp_font() -> Path:
    """Caladea, from the system fonts (Debian package fonts-crosextra-caladea)."""
    for folder in FONT_DIRS:
        candidate = folder / FONT_FILE
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"stamp font {FONT_FILE} not found: install the fonts-crosextra-caladea package",
        subject="fonts",
    )


def _image(data: bytes) -> PdfImage:
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except OSError as exc:
        raise DocumentRejected("signature image is not a PNG or JPEG", subject="stamp") from exc
    return PdfImage(picture.convert("RGB"))


def stamp_style(text: str, image: bytes | None = None) -> TextStampStyle:
    """A text stamp in embedded Caladea with a thin border, the image (if any) behind."""
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font()), font_size=9)),
        border_width=1,
        background=_image(image) if image else None,
        background_opacity=0.35,
        timestamp_format="%Y-%m-%d %H:%M %Z",
    )


def text_params(profile: SignatureProfile, position: str = "") -> dict[str, str]:
    """The values the stamp text is filled with."""
    return {
        "signer": profile.signer_name,
        "title": profile.signer_title,
        "organisation": profile.organisation,
        "reason": profile.reason,
        "position": position,
    }


def resolve_page(placement: Placement, page_count: int) -> int:
    """0-based page index of a placement (negative pages count from the end)."""
    index = placement.page - 1 if placement.page > 0 else page_count + placement.page
    if not 0 <= index < page_count:
        raise DocumentRejected(
            f"stamp placement page {placement.page} is outside a {page_count}-page document",
            subject="placement",
        )
    return index


def _render(
    profile: SignatureProfile, text: str, params: dict[str, str], image: bytes | None
) -> bytes:
    """A one-page PDF the size of the stamp box holding the rendered stamp."""
    place = profile.placement
    blank = pikepdf.new()
    page = blank.add_blank_page(page_size=(place.width, place.height))
    page.Contents = blank.make_stream(b"\nq Q\n")
    buffer = io.BytesIO()
    blank.save(buffer, compress_streams=False)
    writer = IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue()), strict=False)
    stamp = TextStamp(
        writer=writer,
        style=stamp_style(text, image),
        text_params=params,
        box=layout.BoxConstraints(width=place.width, height=place.height),
    )
    # the blank page draws nothing, so no q/Q wrapping of its content is needed
    stamp.apply(0, 0, 0, coords=CoordinateSystem.AMBIENT)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


_RENDERED: dict[str, Path] = {}
_RENDER_LOCK = threading.Lock()


def signed_stamp_style(profile: SignatureProfile, image: bytes | None = None) -> StaticStampStyle:
    """The visible appearance of ``profile``'s signature today.

    Laying out text in an embedded TrueType font costs more than the signature itself,
    so each profile's stamp is rendered once per day into a small PDF and then reused
    as static content.
    """
    params = {**text_params(profile), "date": utcnow().strftime("%Y-%m-%d")}
    key = hashlib.sha256(
        (profile.model_dump_json() + repr(sorted(params.items()))).encode()
        + hashlib.sha256(image or b"").digest()
    ).hexdigest()
    with _RENDER_LOCK:
        path = _RENDERED.get(key)
        if path is None or not path.is_file():
            folder = Path(tempfile.gettempdir()) / f"procureflow-stamps-{os.getuid()}"
            folder.mkdir(mode=0o700, exist_ok=True)
            path = folder / f"{key}.pdf"
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(_render(profile, SIGNED_TEXT, params, image))
            os.replace(tmp, path)
            _RENDERED[key] = path
    return StaticStampStyle.from_pdf_file(str(path), border_width=0)


def apply_draft_stamps(
    data: bytes, profiles: list[SignatureProfile], images: dict[str, bytes] | None = None
) -> bytes:
    """A review copy of ``data`` with every co-signer's draft stamp at its placement (any
    signatures already in ``data`` are dropped from the copy: it is a preview, not a
    signed document)."""
    images = images or {}
    with open_pdf(data, name="draft") as pdf:
        strip_signatures(pdf)
        for number, profile in enumerate(profiles, start=1):
            place = profile.placement
            params = text_params(profile, f"{number} of {len(profiles)}")
            rendered = _render(profile, DRAFT_TEXT, params, images.get(profile.name))
            with pikepdf.open(io.BytesIO(rendered)) as stamp:
                target = pdf.pages[resolve_page(place, len(pdf.pages))]
                target.add_overlay(
                    stamp.pages[0],
                    pikepdf.Rectangle(
                        place.x, place.y, place.x + place.width, place.y + place.height
                    ),
                )
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


__all__ = [
    "DRAFT_TEXT",
    "SIGNED_TEXT",
    "apply_draft_stamps",
    "signed_stamp_style",
    "resolve_page",
    "stamp_font",
    "stamp_style",
    "text_params",
]
