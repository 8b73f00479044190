"""Downsampling of the raster images inside a PDF, for the ``email`` and ``screen``
compression presets.

The resolution of an image is what it is *as drawn*: its pixel width over the width it
is painted at on the page (from the content stream's transformation matrix), so a scan
drawn full-page at 300 dpi becomes 150 dpi for email and 100 dpi for screen.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pikepdf
from PIL import Image

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class ImagePreset:
    """Target resolution and JPEG quality of a compression preset."""

    dpi: int
    jpeg_quality: int


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _drawn_size_inches(ctm: Matrix) -> float:
    """The longer side, in inches, of the unit square mapped by ``ctm``."""
    a, b, c, d, _e, _f = ctm
    return max(math.hypot(a, b), math.hypot(c, d)) / 72.0


def _collect(
    container: pikepdf.Object, ctm: Matrix, widest: dict[tuple[int, int], float], depth: int
) -> None:
    """Walk a page or form XObject, recording per image the largest drawn size in inches."""
    if depth > 8:
        return
    resources = container.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    stack: list[Matrix] = []
    current = ctm
    for instruction in pikepdf.parse_content_stream(container, "q Q cm Do"):
        operands, operator = instruction.operands, instruction.operator
        op = str(operator)
        if op == "q":
            stack.append(current)
        elif op == "Q":
            current = stack.pop() if stack else ctm
        elif op == "cm" and len(operands) == 6:
            values = tuple(float(v) for v in operands)
            current = _multiply(values, current)  # type: ignore[arg-type]
        elif op == "Do" and operands:
            xobject = xobjects.get(str(operands[0]))
            if not isinstance(xobject, pikepdf.Stream):
                continue
            subtype = xobject.get("/Subtype")
            if subtype == pikepdf.Name.Image:
                key = xobject.objgen
                widest[key] = max(widest.get(key, 0.0), _drawn_size_inches(current))
            elif subtype == pikepdf.Name.Form:
                form_matrix = xobject.get("/Matrix")
                inner = current
                if isinstance(form_matrix, pikepdf.Array) and len(form_matrix) == 6:
                    values = tuple(float(v) for v in form_matrix)
                    inner = _multiply(values, current)  # type: ignore[arg-type]
                _collect(xobject, inner, widest, depth + 1)


def _recompressible(image: pikepdf.Stream) -> bool:
    if image.get("/ImageMask") or "/SMask" in image or "/Mask" in image:
        return False
    if int(image.get("/BitsPerComponent", 8)) != 8:
        return False
    colour_space = image.get("/ColorSpace")
    return colour_space in (pikepdf.Name.DeviceRGB, pikepdf.Name.DeviceGray)


def _resample(image: pikepdf.Stream, inches: float, preset: ImagePreset) -> bool:
    """Replace ``image`` by a JPEG at the preset's resolution if that is smaller."""
    pil = pikepdf.PdfImage(image).as_pil_image()
    longest = max(pil.size)
    target = min(longest, max(1, round(inches * preset.dpi))) if inches > 0 else longest
    scale = target / longest
    if scale < 1.0:
        size = (max(1, round(pil.width * scale)), max(1, round(pil.height * scale)))
        pil = pil.resize(size, Image.Resampling.LANCZOS)
    mode = "L" if pil.mode in ("L", "1") else "RGB"
    pil = pil.convert(mode)
    buffer = io.BytesIO()
    pil.save(buffer, format="JPEG", quality=preset.jpeg_quality, optimize=True)
    encoded = buffer.getvalue()
    if len(encoded) >= len(image.read_raw_bytes()):
        return False
    image.write(encoded, filter=pikepdf.Name.DCTDecode)
    image.Width = pil.width
    image.Height = pil.height
    image.BitsPerComponent = 8
    image.ColorSpace = pikepdf.Name.DeviceGray if mode == "L" else pikepdf.Name.DeviceRGB
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    return True


def downsample_images(pdf: pikepdf.Pdf, preset: ImagePreset) -> int:
    """Downsample and JPEG-encode every plain 8-bit RGB/grey image drawn in ``pdf``;
    returns how many images were replaced. Masks and 1-bit scans are left alone."""
    widest: dict[tuple[int, int], float] = {}
    for page in pdf.pages:
        _collect(page.obj, _IDENTITY, widest, 0)
    replaced = 0
    for objgen, inches in widest.items():
        image = pdf.get_object(objgen)
        if isinstance(image, pikepdf.Stream) and _recompressible(image):
            try:
                replaced += _resample(image, inches, preset)
            except (pikepdf.PdfError, OSError, ValueError, NotImplementedError):
                continue  # an image Pillow cannot decode stays as it is
    return replaced


__all__ = ["ImagePreset", "downsample_images"]
