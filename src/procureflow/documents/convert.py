"""DOCX / ODT / RTF → PDF with LibreOffice headless, kept warm.

Starting LibreOffice costs about a second; converting a contract once it runs costs a
few tens of milliseconds. So each worker process keeps one ``soffice --headless`` with its
own profile directory, driven over a UNO pipe by a small bridge script that runs under the
system Python (where Debian's UNO bindings live). Every conversion has a timeout; on
timeout both processes are killed as process groups and started afresh on the next call,
so no converter is ever left stuck. The output must open as a PDF, else it is refused.

Without LibreOffice, :class:`FallbackConverter` uses mammoth + weasyprint when weasyprint
is installed, and says the result is of lower fidelity.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from procureflow.documents.office_input import office_kind
from procureflow.documents.pdfguard import open_pdf
from procureflow.errors import ConfigError, DocumentRejected

BRIDGE = Path(__file__).with_name("_uno_bridge.py")
SYSTEM_PYTHON = "/usr/bin/python3"


@dataclass(frozen=True, slots=True)
class ConversionResult:
    """The PDF and how it was made."""

    data: bytes
    engine: str
    pages: int
    pdfa: bool
    lower_fidelity: bool = False


class Converter(Protocol):
    """Anything that turns a word-processing file into a PDF."""

    def convert(
        self, data: bytes, *, name: str = "document", pdfa: bool = False
    ) -> ConversionResult:
        """Convert ``data``; DocumentRejected when the file cannot be converted."""
        ...

    def close(self) -> None:
        """Release processes and files."""
        ...


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def uno_available() -> bool:
    """True when the system Python can import LibreOffice's UNO bridge."""
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30, check=False
    )
    return probe.returncode == 0


def _kill_group(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def _checked(
    pdf_bytes: bytes, engine: str, name: str, pdfa: bool, lower: bool = False
) -> ConversionResult:
    """The result only if it opens as a PDF (and is PDF/A-3b when that was asked for)."""
    with open_pdf(pdf_bytes, name=f"{name} (converted)") as pdf:
        pages = len(pdf.pages)
        if pdfa and pdf.open_metadata().pdfa_status != "3B":
            raise DocumentRejected("converter did not produce PDF/A-3b", subject=name)
    return ConversionResult(pdf_bytes, engine, pages, pdfa, lower)


class WarmLibreOffice:
    """One warm LibreOffice per instance, restarted after a crash or timeout."""

    engine = "libreoffice-warm"

    def __init__(
        self, work_dir: Path, *, timeout: float = 60.0, start_timeout: float = 60.0
    ) -> None:
        soffice = soffice_path()
        if soffice is None:
            raise ConfigError("LibreOffice (soffice) is not installed", subject="converter")
        self.soffice = soffice
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=self.work_dir))
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.starts = 0

    # -- process management ----------------------------------------------------------
    def _start(self) -> None:
        pipe = f"procureflow-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        log = (self._profile / "office.log").open("ab")
        self._office = subprocess.Popen(
            [
                self.soffice,
                f"-env:UserInstallation={self._profile.as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                "--nofirststartwizard",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self._bridge = subprocess.Popen(
            [SYSTEM_PYTHON, str(BRIDGE), pipe, str(self.start_timeout)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        answer = self._read_line(self.start_timeout)
        if not answer or not json.loads(answer).get("ready"):
            self._stop()
            raise ConfigError(
                "LibreOffice did not start (is python3-uno installed?)", subject="converter"
            )

    def _stop(self) -> None:
        for process in (self._bridge, self._office):
            _kill_group(process)
        for process in (self._bridge, self._office):
            if process is not None:
                for stream in (process.stdin, process.stdout):
                    if stream is not None:
                        stream.close()
        self._bridge = self._office = None

    def _read_line(self, timeout: float) -> bytes | None:
        bridge = self._bridge
        assert bridge is not None and bridge.stdout is not None
        stdout: IO[bytes] = bridge.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        return stdout.readline()  # b"" when the bridge has exited

    @property
    def running(self) -> bool:
        """True while the warm LibreOffice process is alive."""
        return self._office is not None and self._office.poll() is None

    @property
    def pids(self) -> list[int]:
        """Process ids of LibreOffice and the bridge (for checks that nothing is left)."""
        return [p.pid for p in (self._office, self._bridge) if p is not None]

    # -- conversion ------------------------------------------------------------------
    def convert(
        self, data: bytes, *, name: str = "document", pdfa: bool = False
    ) -> ConversionResult:
        """Convert one document; times out after ``timeout`` seconds, killing LibreOffice."""
        kind = office_kind(data, name=name)
        with self._lock, tempfile.TemporaryDirectory(dir=self.work_dir) as job:
            source = Path(job) / f"input.{kind}"
            target = Path(job) / "output.pdf"
            source.write_bytes(data)
            if not self.running:
                self._stop()
                self._start()
                self.starts += 1
            bridge = self._bridge
            assert bridge is not None and bridge.stdin is not None
            request = {"src": str(source), "dst": str(target), "pdfa": pdfa}
            try:
                bridge.stdin.write((json.dumps(request) + "\n").encode())
                bridge.stdin.flush()
            except BrokenPipeError:
                self._stop()
                raise DocumentRejected("LibreOffice stopped unexpectedly", subject=name) from None
            line = self._read_line(self.timeout)
            if line is None:
                self._stop()
                raise DocumentRejected(
                    f"conversion did not finish within {self.timeout:g} s and was stopped",
                    subject=name,
                )
            if not line:
                self._stop()
                raise DocumentRejected(
                    "LibreOffice stopped unexpectedly during the conversion", subject=name
                )
            answer = json.loads(line)
            if not answer.get("ok"):
                if not self.running:
                    self._stop()
                raise DocumentRejected(
                    f"LibreOffice could not convert it: {answer.get('error', 'unknown error')}",
                    subject=name,
                )
            if not target.is_file():
                raise DocumentRejected("LibreOffice produced no PDF", subject=name)
            return _checked(target.read_bytes(), self.engine, name, pdfa)

    def close(self) -> None:
        """Stop LibreOffice and remove the profile directory."""
        with self._lock:
            self._stop()
            shutil.rmtree(self._profile, ignore_errors=True)


class ColdLibreOffice:
    """``soffice --convert-to pdf`` per call (or per batch): slow to start, nothing kept."""

    engine = "libreoffice-cold"

    def __init__(self, work_dir: Path, *, timeout: float = 120.0) -> None:
        soffice = soffice_path()
        if soffice is None:
            raise ConfigError("LibreOffice (soffice) is not installed", subject="converter")
        self.soffice = soffice
        self.timeout = timeout
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)

    def convert_files(
        self, sources: list[Path], out_dir: Path, *, pdfa: bool = False
    ) -> list[Path]:
        """Convert several files with one LibreOffice start; returns the PDFs' paths."""
        out_dir.mkdir(parents=True, exist_ok=True)
        target = (
            'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'
            if pdfa
            else "pdf"
        )
        with tempfile.TemporaryDirectory(prefix="lo-cold-", dir=self.work_dir) as profile:
            process = subprocess.Popen(
                [
                    self.soffice,
                    f"-env:UserInstallation={Path(profile).as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(out_dir),
                    *map(str, sources),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise DocumentRejected(
                    f"conversion did not finish within {self.timeout:g} s and was stopped",
                    subject="converter",
                ) from None
        return [out_dir / (source.stem + ".pdf") for source in sources]

    def convert(
        self, data: bytes, *, name: str = "document", pdfa: bool = False
    ) -> ConversionResult:
        """Convert one document with a fresh LibreOffice process."""
        kind = office_kind(data, name=name)
        with tempfile.TemporaryDirectory(dir=self.work_dir) as job:
            source = Path(job) / f"input.{kind}"
            source.write_bytes(data)
            (pdf_path,) = self.convert_files([source], Path(job) / "out", pdfa=pdfa)
            if not pdf_path.is_file():
                raise DocumentRejected("LibreOffice could not convert it", subject=name)
            return _checked(pdf_path.read_bytes(), self.engine, name, pdfa)

    def close(self) -> None:
        """Nothing to release."""


class FallbackConverter:
    """mammoth (DOCX → HTML) + weasyprint (HTML → PDF): no LibreOffice needed, but lower
    fidelity (headers, page layout and some formatting are lost)."""

    engine = "mammoth-weasyprint"

    def convert(
        self, data: bytes, *, name: str = "document", pdfa: bool = False
    ) -> ConversionResult:
        """Convert a DOCX without LibreOffice."""
        kind = office_kind(data, name=name)
        if kind != "docx":
            raise DocumentRejected(
                f"without LibreOffice only DOCX can be converted, not {kind.upper()}", subject=name
            )
        try:
            import weasyprint  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except (ImportError, OSError) as exc:  # weasyprint needs Pango from the OS
            raise ConfigError(
                "LibreOffice is not installed and the fallback (mammoth + weasyprint) is "
                "unavailable: install libreoffice-writer-nogui",
                subject="converter",
            ) from exc
        import mammoth

        html = mammoth.convert_to_html(io.BytesIO(data)).value
        pdf_bytes = weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf(
            pdf_variant="pdf/a-3b" if pdfa else None
        )
        return _checked(bytes(pdf_bytes), self.engine, name, pdfa, lower=True)

    def close(self) -> None:
        """Nothing to release."""


_WARM: dict[Path, Converter] = {}
_WARM_LOCK = threading.Lock()


def worker_converter(work_dir: Path, *, timeout: float = 60.0) -> Converter:
    """This process's converter: warm LibreOffice when possible, cold LibreOffice without
    the UNO bridge, mammoth + weasyprint without LibreOffice. One per work directory."""
    key = Path(work_dir).resolve()
    with _WARM_LOCK:
        converter = _WARM.get(key)
        if converter is None:
            if soffice_path() is None:
                converter = FallbackConverter()
            elif uno_available():
                converter = WarmLibreOffice(key, timeout=timeout)
            else:
                converter = ColdLibreOffice(key, timeout=timeout)
            _WARM[key] = converter
        return converter


@atexit.register
def close_worker_converters() -> None:
    """Stop every warm LibreOffice of this process."""
    with _WARM_LOCK:
        for converter in _WARM.values():
            converter.close()
        _WARM.clear()


__all__ = [
    "ColdLibreOffice",
    "ConversionResult",
    "Converter",
    "FallbackConverter",
    "WarmLibreOffice",
    "close_worker_converters",
    "soffice_path",
    "uno_available",
    "worker_converter",
]
