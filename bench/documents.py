"""Document toolkit benchmark: each figure printed beside its target.

    python bench/documents.py [--conversions 8] [--signatures 40] [--merge-files 50]

- warm conversions/s against cold ``soffice --convert-to pdf`` per file (target >= 3x)
- PAdES signatures/s with EC P-256 keys (target >= 20/s)
- merge of 50 PDFs against ``qpdf --empty --pages`` (target <= 1.5x its time)
- compression ratio of each preset on a scanned-image PDF (email and screen should be
  far below 1; lossless keeps the original when it cannot shrink it)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from procureflow.documents import pdfops  # noqa: E402
from procureflow.documents.convert import WarmLibreOffice, soffice_path, uno_available  # noqa: E402
from procureflow.documents.keys import Keystore  # noqa: E402
from procureflow.documents.profiles import DEFAULT_PROFILES, profiles_for  # noqa: E402
from procureflow.documents.signing import sign_pdf  # noqa: E402
from tests.factories_documents import contract_docx, scanned_pdf, text_pdf  # noqa: E402


def line(label: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("  OK" if ok else "  MISSED")
    print(f"{label:<44} {value:>22}   target {target}{verdict}")


def bench_conversion(work: Path, count: int) -> None:
    soffice = soffice_path()
    if soffice is None or not uno_available():
        line("conversion", "skipped", "LibreOffice + python3-uno installed", None)
        return
    docs = [contract_docx(work / f"contract{i}.docx", title=f"Agreement {i}") for i in range(count)]
    profile = work / "cold-profile"
    out = work / "cold-out"

    def cold(doc: Path) -> None:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(doc),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )

    cold(docs[0])  # first run creates the profile; not counted
    started = time.perf_counter()
    for doc in docs:
        cold(doc)
    cold_rate = count / (time.perf_counter() - started)

    converter = WarmLibreOffice(work / "warm", timeout=300)
    try:
        boot = time.perf_counter()
        converter.convert(docs[0].read_bytes())  # starts LibreOffice; not counted
        boot_seconds = time.perf_counter() - boot
        payloads = [doc.read_bytes() for doc in docs]
        started = time.perf_counter()
        for data in payloads:
            converter.convert(data)
        warm_rate = count / (time.perf_counter() - started)
    finally:
        converter.close()
    speedup = warm_rate / cold_rate
    line("cold soffice --convert-to pdf (per file)", f"{cold_rate:.2f} docs/s", "(baseline)", None)
    line(
        "warm converter", f"{warm_rate:.2f} docs/s", f"(start-up once: {boot_seconds:.1f} s)", None
    )
    line("warm vs cold", f"{speedup:.1f}x", ">= 3x", speedup >= 3)


def bench_signing(work: Path, count: int) -> None:
    keystore = Keystore(work / "keys", "bench")
    keystore.init_ca("Bench Buyer")
    profile = profiles_for("contract", list(DEFAULT_PROFILES))[0]
    keystore.issue_signer(profile.key_alias, common_name=profile.signer_name, organisation="Bench")
    signer = keystore.signer(profile.key_alias)
    document = text_pdf(3, "Contract page")
    sign_pdf(document, profile, signer)  # warms the stamp cache and imports
    started = time.perf_counter()
    for _ in range(count):
        sign_pdf(document, profile, signer)
    rate = count / (time.perf_counter() - started)
    line("PAdES signatures (EC P-256, visible stamp)", f"{rate:.1f} /s", ">= 20/s", rate >= 20)


def bench_merge(work: Path, files: int) -> None:
    qpdf = shutil.which("qpdf")
    sources = []
    for i in range(files):
        path = work / f"part{i:03}.pdf"
        path.write_bytes(text_pdf(4, f"File {i} page"))
        sources.append(path)
    if qpdf is None:
        line("merge", "skipped", "qpdf installed", None)
        return

    def ours() -> None:
        pdfops.merge([(p.stem, p.read_bytes()) for p in sources])

    def theirs() -> None:
        subprocess.run(
            [qpdf, "--empty", "--pages", *map(str, sources), "--", str(work / "qpdf-merged.pdf")],
            check=True,
            timeout=300,
        )

    def best(run: object, rounds: int = 3) -> float:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            run()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        return min(times)

    ours_s, qpdf_s = best(ours), best(theirs)
    ratio = ours_s / qpdf_s
    line(f"merge {files} PDFs (with bookmarks)", f"{ours_s * 1000:.0f} ms", "(ours)", None)
    line(f"qpdf --empty --pages ({files} PDFs)", f"{qpdf_s * 1000:.0f} ms", "(baseline)", None)
    line("merge time vs qpdf", f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5)


def bench_compression() -> None:
    scan = scanned_pdf(pages=3, dpi=300)
    line("scanned-image PDF (3 A4 pages, 300 dpi)", f"{len(scan) / 2**20:.1f} MB", "(input)", None)
    for preset, target in (
        ("lossless", "<= 1.0 (never larger)"),
        ("email", "< 0.2"),
        ("screen", "< 0.1"),
    ):
        result = pdfops.compress(scan, preset)
        limit = {"lossless": 1.0, "email": 0.2, "screen": 0.1}[preset]
        ok = result.ratio <= limit if preset == "lossless" else result.ratio < limit
        line(f"compression ratio, preset {preset}", f"{result.ratio:.3f}", target, ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversions", type=int, default=8)
    parser.add_argument("--signatures", type=int, default=40)
    parser.add_argument("--merge-files", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pf-bench-docs-") as tmp:
        work = Path(tmp)
        bench_conversion(work, args.conversions)
        bench_signing(work, args.signatures)
        bench_merge(work, args.merge_files)
        bench_compression()


if __name__ == "__main__":
    main()
