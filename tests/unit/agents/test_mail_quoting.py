"""Setting the newest message of a mail apart from what it quotes or forwards."""

from __future__ import annotations

import pytest

from procureflow.agents.extraction.quoting import forwarded_text, is_reply_or_forward, split_thread


@pytest.mark.parametrize(
    "earlier",
    [
        "> SEAL-MC-35 is delayed by 2 weeks.",
        "On Mon, 23 Nov 2026 at 09:14, Li Wei <li@x.example>\nwrote:\n> delayed by 2 weeks",
        "Am 23.11.2026 um 09:14 schrieb Li Wei <li@x.example>:\nverzögert sich",
        "Le lun. 23 nov. 2026 à 09:14, Li Wei a écrit :\nretard",
        "-----Original Message-----\nFrom: Li\nSent: Monday\n\ndelayed",
        "Von: Li Wei\nGesendet: Montag, 23. November 2026\nAn: Einkauf\n\nverzögert",
        "De : Li Wei\nEnvoyé : lundi 23 novembre 2026\nÀ : Achats\n\nretard",
    ],
)
def test_the_earlier_mail_starts_at_its_first_mark(earlier: str) -> None:
    thread = split_thread(f"All good, shipped today.\n\n{earlier}\n", "Re: SEAL-MC-35")
    assert thread.newest.strip() == "All good, shipped today."
    assert thread.has_earlier and not thread.forwarded


@pytest.mark.parametrize(
    ("separator", "subject"),
    [
        ("---------- Forwarded message ---------", "Fwd: SEAL-MC-35"),
        ("Begin forwarded message:", "SEAL-MC-35"),
        ("-----Original Message-----", "WG: SEAL-MC-35"),
    ],
)
def test_a_forward_gives_the_forwarded_text_without_its_headers(
    separator: str, subject: str
) -> None:
    body = f"FYI\n\n{separator}\nFrom: Plant <p@x.example>\nDate: Mon, 23 Nov 2026\nSubject: x\n\nSEAL-MC-35 is delayed.\n"
    thread = split_thread(body, subject)
    assert thread.forwarded
    assert forwarded_text(thread.earlier).strip() == "SEAL-MC-35 is delayed."


def test_a_mail_without_history_is_all_newest() -> None:
    body = "SEAL-MC-35 is delayed by 2 weeks.\nFrom our plant in Lyon, with regards."
    thread = split_thread(body, "Delay")
    assert thread.newest == body and not thread.has_earlier


@pytest.mark.parametrize(
    ("subject", "expected"),
    [("Re: Delay", True), ("AW: Verzögerung", True), ("TR: Retard", True), ("Delay", False)],
)
def test_reply_and_forward_subjects_are_recognised(subject: str, expected: bool) -> None:
    assert is_reply_or_forward(subject) is expected
