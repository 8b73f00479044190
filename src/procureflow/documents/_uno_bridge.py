"""Runs under the system Python that has LibreOffice's UNO bridge (not the project's venv).

Connects to one warm ``soffice --headless`` process and converts documents on request:
one JSON object per line on stdin (``{"src", "dst", "pdfa"}``), one JSON answer per line
on stdout (``{"ok": true}`` or ``{"ok": false, "error": "..."}``). It keeps no state of its
own between requests, so the parent can kill and restart it (and soffice) at any time.
"""

from __future__ import annotations

import json
import sys
import time

import uno  # type: ignore[import-not-found]  # only on the system Python
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _props(**values: object) -> tuple[object, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _connect(pipe_name: str, deadline: float) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext"
    while True:
        try:
            ctx = resolver.resolve(url)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop: object, request: dict[str, object]) -> None:
    src = uno.systemPathToFileUrl(str(request["src"]))
    dst = uno.systemPathToFileUrl(str(request["dst"]))
    doc = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        src, "_blank", 0, _props(Hidden=True, ReadOnly=True, UpdateDocMode=0)
    )
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        filter_data = {"SelectPdfVersion": 3} if request.get("pdfa") else {}
        export = _props(
            FilterName="writer_pdf_Export",
            FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", _props(**filter_data)),
        )
        uno.invoke(doc, "storeToURL", (dst, export))
    finally:
        doc.close(True)


def main() -> None:
    desktop = _connect(sys.argv[1], time.monotonic() + float(sys.argv[2]))
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        try:
            _convert(desktop, json.loads(line))
            answer: dict[str, object] = {"ok": True}
        except Exception as exc:  # every failure goes back to the parent as one line
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
