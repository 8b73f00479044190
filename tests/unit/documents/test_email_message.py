"""Reading RFC 822 supplier mail: the body text, the sender, and clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procureflow.adapters.storage import LocalContentStore
from procureflow.demo import demo_emails
from procureflow.documents.email_message import (
    DEFAULT_MAX_EMAIL_BYTES,
    parse_email,
    parse_email_or_quarantine,
)
from procureflow.errors import DocumentRejected

HEADERS = (
    b"From: Li Wei <Li.Wei@Huaxin-Motors.example>\r\nTo: buyer@plant.example\r\nSubject: Delay\r\n"
)


def test_plain_text_is_preferred_and_sender_date_and_ids_are_read() -> None:
    mail = parse_email(demo_emails()["01_delay_en_huaxin_motors.eml"])
    assert mail.text_source == "text/plain"
    assert "delayed by six weeks" in " ".join(mail.text.split())
    assert "<b>" not in mail.text and "\r" not in mail.text
    assert (mail.sender, mail.sender_name, mail.sender_domain) == (
        "li.wei@huaxin-motors.example",
        "Li Wei",
        "huaxin-motors.example",
    )
    assert mail.sent_at == datetime(2026, 11, 23, 1, 14, tzinfo=UTC)
    assert mail.message_id == "<20261123011400.4711@huaxin-motors.example>"


def test_html_only_latin1_mail_becomes_readable_text() -> None:
    mail = parse_email(demo_emails()["03_delay_fr_dufresne_seals.eml"])
    assert mail.text_source == "text/html"
    assert "p { font-family" not in mail.text  # style sheets are not text
    assert "subira un retard de trois semaines" in " ".join(mail.text.split())
    assert "grève" in mail.text and mail.subject.endswith("garnitures mécaniques")


def test_attachments_are_listed_but_not_read_as_body() -> None:
    raw = (
        HEADERS + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nShipment delayed by 2 weeks.\r\n"
        b'--b1\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="terms.txt"\r\n\r\n'
        b"Not the body\r\n--b1--\r\n"
    )
    mail = parse_email(raw)
    assert mail.text.strip() == "Shipment delayed by 2 weeks."
    assert mail.attachments == ("terms.txt",)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "is empty"),
        (b"  \r\n\r\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "is binary data"),
        (
            HEADERS + b"Content-Type: multipart/mixed\r\n\r\nbody without boundary\r\n",
            "broken MIME structure",
        ),
        (
            HEADERS
            + b'Content-Type: multipart/mixed; boundary="zz"\r\n\r\nno part ever starts\r\n',
            "broken MIME structure",
        ),
        (
            # the last part is cut off: its closing boundary never comes
            HEADERS
            + b'Content-Type: multipart/mixed; boundary="c"\r\n\r\n'
            + b"--c\r\nContent-Type: text/plain\r\n\r\nDelayed by 2 weeks.\r\n"
            + b"--c\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            + b"\r\nJVBERi0xLjQK",
            "broken MIME structure",
        ),
        (b"Subject: no sender\r\n\r\nDelayed by 2 weeks.\r\n", "no sender address"),
        (b"just some words without any header line at all", "no mail headers"),
        (HEADERS + b"Content-Type: image/png\r\n\r\nabc\r\n", "no text/plain or text/html part"),
        (
            HEADERS + b"Content-Type: text/plain; charset=klingon-8\r\n\r\nabc\r\n",
            "unknown charset",
        ),
    ],
)
def test_unreadable_mail_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(DocumentRejected, match=reason) as caught:
        parse_email(raw, source="in.eml")
    assert str(caught.value).startswith("in.eml: ")


def test_a_50_mb_mail_is_refused_by_size_and_kept_whole(tmp_path: Path) -> None:
    raw = HEADERS + b"\r\n" + b"x" * (50 * 1024 * 1024)
    store = LocalContentStore(tmp_path, max_bytes=len(raw))
    with pytest.raises(
        DocumentRejected, match=f"the limit is {DEFAULT_MAX_EMAIL_BYTES} bytes"
    ) as caught:
        parse_email_or_quarantine(raw, quarantine=store, source="huge.eml")
    (kept,) = store.quarantined()
    assert str(kept) in str(caught.value)
    assert kept.stat().st_size == len(raw)
    assert "limit" in kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8")


def test_a_readable_mail_leaves_nothing_in_quarantine(tmp_path: Path) -> None:
    store = LocalContentStore(tmp_path)
    mail = parse_email_or_quarantine(HEADERS + b"\r\nDelayed by 2 weeks.\r\n", quarantine=store)
    assert mail.text.strip() == "Delayed by 2 weeks."
    assert store.quarantined() == []


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.builds(
            lambda head, body: head + b"\r\n\r\n" + body,
            st.sampled_from(
                [
                    HEADERS,
                    HEADERS + b"Content-Type: multipart/alternative; boundary=x\r\n",
                    HEADERS + b"Content-Type: text/html; charset=utf-16\r\n",
                    HEADERS + b"Content-Transfer-Encoding: base64\r\n",
                    b"From: =?utf-8?q?broken?= <>\r\n",
                ]
            ),
            st.binary(max_size=1000),
        ),
    )
)
def test_any_bytes_are_read_or_refused_never_crash(raw: bytes) -> None:
    try:
        mail = parse_email(raw, source="fuzz.eml")
    except DocumentRejected as exc:
        assert str(exc).startswith("fuzz.eml: ")
    else:
        assert "@" in mail.sender and mail.sender_domain
