"""Builders of test documents: text PDFs, a scanned-image PDF, a realistic contract DOCX,
and the hostile inputs (zip bomb, renamed binary, encrypted PDF, broken xref)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw


def text_pdf(pages: int = 1, label: str = "Page") -> bytes:
    """A PDF with ``pages`` pages, each showing ``"<label> <n>"`` in Helvetica."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for number in range(1, pages + 1):
        content = f"BT /F1 24 Tf 72 720 Td ({label} {number}) Tj ET".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def scanned_pdf(pages: int = 2, dpi: int = 300, seed: int = 7) -> bytes:
    """A PDF of full-page A4 'scans' at ``dpi``: a noisy paper texture with text lines,
    stored losslessly (Flate), as a cheap scanner would produce."""
    rng = random.Random(seed)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    pdf = pikepdf.new()
    for number in range(pages):
        image = Image.effect_noise((width // 4, height // 4), 12).resize((width, height))
        image = image.point(lambda v: 200 + v // 5).convert("RGB")
        draw = ImageDraw.Draw(image)
        for line in range(40):
            y = 150 + line * (height - 300) // 40
            draw.rectangle(
                (150, y, 150 + rng.randint(width // 3, width - 300), y + dpi // 12),
                fill=(40, 40, 40),
            )
        draw.text((150, 80), f"Scanned page {number + 1}", fill=(0, 0, 0))
        raw = image.tobytes()
        stream = pdf.make_stream(raw)
        stream.Type = pikepdf.Name.XObject
        stream.Subtype = pikepdf.Name.Image
        stream.Width, stream.Height = width, height
        stream.ColorSpace = pikepdf.Name.DeviceRGB
        stream.BitsPerComponent = 8
        content = pdf.make_stream(b"q 595.44 0 0 841.68 0 0 cm /Im0 Do Q")
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595.44, 841.68],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
            Contents=content,
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open."""
    with pikepdf.open(io.BytesIO(text_pdf(1))) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
        return out.getvalue()


def broken_xref_pdf() -> bytes:
    """A PDF whose cross-reference offsets point at the wrong places."""
    data = bytearray(text_pdf(2))
    xref = data.rfind(b"\nxref\n")
    table = data[xref:].replace(b"0000000", b"0000999")
    return bytes(data[:xref] + table)


def renamed_binary() -> bytes:
    """Random bytes, as a renamed executable or image would look."""
    return b"\x7fELF" + random.Random(3).randbytes(4096)


def zip_bomb_docx(uncompressed_mb: int = 300) -> bytes:
    """A ZIP named like a DOCX whose document.xml inflates to ``uncompressed_mb`` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(uncompressed_mb):
                member.write(block)
    return buffer.getvalue()


def contract_docx(path: Path, *, title: str = "Supply Agreement") -> Path:
    """A contract DOCX with a header, headings, a numbered list, a table and an image."""
    import docx
    from docx.shared import Inches

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "ACME Industrial GmbH - Confidential"
    document.add_heading(title, 0)
    document.add_heading("1. Scope of supply", level=1)
    document.add_paragraph("The Supplier delivers hydraulic pumps to the Buyer's plant.")
    for item in (
        "Delivery within 6 weeks",
        "Liquidated damages of 0.5% per week",
        "Payment 2/10 net 30",
    ):
        document.add_paragraph(item, style="List Number")
    document.add_heading("2. Prices", level=1)
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for row, values in enumerate(
        (
            ("Part", "Quantity", "Unit price"),
            ("HP-200", "40", "EUR 1,250.00"),
            ("HP-300", "10", "EUR 2,100.00"),
        )
    ):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    logo = io.BytesIO()
    Image.new("RGB", (240, 120), (30, 90, 160)).save(logo, format="PNG")
    logo.seek(0)
    document.add_picture(logo, width=Inches(2))
    document.add_page_break()
    document.add_heading("3. Signatures", level=1)
    document.add_paragraph("Signed for the Buyer and the Supplier.")
    document.save(path)
    return path
