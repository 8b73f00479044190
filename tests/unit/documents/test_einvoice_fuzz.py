"""Damaged e-invoices end in a named rejection or a valid invoice, never in another error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procureflow.documents.einvoice import parse_einvoice, parse_einvoice_file
from procureflow.documents.einvoice.validate import read_einvoice
from procureflow.errors import DocumentRejected

SAMPLES = [
    ("en16931-ubl", "ubl-tc434-example2.xml"),
    ("en16931-cii", "CII_example2.xml"),
    ("factur-x", "Facture_FR_BASICWL.pdf"),
]


def _parse_or_reject(data: bytes, name: str) -> None:
    try:
        invoice = parse_einvoice(data, name)
    except DocumentRejected as exc:
        assert str(exc).startswith(name)
    else:
        assert invoice.arithmetic_problems() == []


@pytest.mark.parametrize(("folder", "name"), SAMPLES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.one_of(st.just(1.0), st.floats(min_value=0.0, max_value=1.0)),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
)
def test_damaged_sample_is_rejected_with_its_name_or_still_valid(
    sample_data: Path, folder: str, name: str, cut: float, flips: list[tuple[float, int]]
) -> None:
    data = bytearray((sample_data / "einvoice" / folder / name).read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    _parse_or_reject(bytes(data[: max(1, int(cut * len(data)))]), name)


def test_file_above_the_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:
        handle.truncate(5000)
    with pytest.raises(DocumentRejected, match="above the limit"):
        parse_einvoice_file(big, max_bytes=4096)
    with pytest.raises(DocumentRejected, match="cannot read the file"):
        parse_einvoice_file(tmp_path / "missing.xml")


def test_a_sample_file_parses_from_disk(sample_data: Path) -> None:
    invoice = parse_einvoice_file(sample_data / "einvoice" / "en16931-cii" / "CII_example3.xml")
    assert invoice.syntax == "cii" and invoice.currency == "DKK"


@pytest.mark.parametrize(("folder", "name"), SAMPLES)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=6))
def test_damaged_sample_is_refused_or_validated_never_another_error(
    sample_data: Path, folder: str, name: str, flips: list[tuple[float, int]]
) -> None:
    data = bytearray((sample_data / "einvoice" / folder / name).read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    try:
        checked = read_einvoice(bytes(data), name)
    except DocumentRejected as exc:
        assert str(exc).startswith(name)
    else:
        if checked.report.valid:
            assert checked.invoice.arithmetic_problems() == []


@pytest.mark.parametrize(("folder", "name"), SAMPLES[:2])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(digits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 9)), min_size=1, max_size=4))
def test_changed_figures_are_caught_by_validation_or_still_add_up(
    sample_data: Path, folder: str, name: str, digits: list[tuple[float, int]]
) -> None:
    data = bytearray((sample_data / "einvoice" / folder / name).read_bytes())
    positions = [i for i, byte in enumerate(data) if 0x30 <= byte <= 0x39]
    for where, digit in digits:
        data[positions[int(where * (len(positions) - 1))]] = 0x30 + digit
    try:
        checked = read_einvoice(bytes(data), name)
    except DocumentRejected as exc:
        assert str(exc).startswith(name)
    else:
        if checked.report.valid:
            assert checked.invoice.arithmetic_problems() == []
