"""The newest message of a mail: quoted replies and forwarded blocks set apart.

A supplier who answers "the goods left today" above their own quoted delay notice has
resolved the delay; reading the quote would start a disruption for nothing. So only the
newest message decides. It ends where the earlier mail begins:

* a line quoted with ``>``;
* an attribution line: "On … wrote:", "Am … schrieb …:", "Le … a écrit :" (also
  wrapped over two lines);
* a separator: "---------- Forwarded message ----------", "-----Original Message-----",
  "Weitergeleitete Nachricht", "Ursprüngliche Nachricht", "Message transféré",
  "Message d'origine", "Begin forwarded message:" and its German and French forms;
* a header block as mail programs write it above the earlier mail: "From:" / "Von:" /
  "De :" followed within a few lines by "Sent:" / "Date:" / "Gesendet:" / "Datum:" /
  "Envoyé :".

A *forward* (a forward separator, or a subject starting "Fwd:", "FW:", "WG:", "TR:")
passes the earlier mail on: when the newest message says nothing of its own ("FYI, see
below"), the forwarded mail is what the sender means, without its header lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTED = re.compile(r"^\s*>")
_ATTRIBUTION = re.compile(
    r"^\s*(?:On\s.+\bwrote\s*:|Am\s.+\bschrieb\b.*:|Le\s.+\ba\s+écrit\s*:)\s*$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On|Am|Le)\s.+", re.IGNORECASE)
_FORWARD_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transf[ée]r[ée])"
    r"\s*-*|Begin forwarded message\s*:|Anfang der weitergeleiteten Nachricht\s*:|"
    r"Début du message réexpédié\s*:)\s*$",
    re.IGNORECASE,
)
_REPLY_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|"
    r"Message d’origine|Message original)\s*-*\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(?:From|Von|De)\s*\*?\s*:", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Envoye)\s*\*?\s*:", re.IGNORECASE
)
_HEADER_LINE = re.compile(
    r"^\s*\*?(?:From|Sent|Date|To|Cc|Subject|Von|Gesendet|Datum|An|Betreff|De|Envoyé|"
    r"Envoye|À|A|Objet)\s*\*?\s*:",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw|wg|tr|weitergeleitet)\s*:", re.IGNORECASE)
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|antw|sv|réf|ref|wg|fwd?|fw|tr)\s*:", re.IGNORECASE)
_HEADER_BLOCK_SPAN = 4


@dataclass(frozen=True, slots=True)
class Thread:
    """A mail body split into its newest message and what it quotes or forwards."""

    newest: str
    earlier: str
    forwarded: bool

    @property
    def has_earlier(self) -> bool:
        return bool(self.earlier.strip())


def is_reply_or_forward(subject: str) -> bool:
    """True when ``subject`` carries an earlier mail's subject ("Re:", "AW:", "FW:", "TR:" …)."""
    return bool(_REPLY_SUBJECT.match(subject))


def _starts_earlier(lines: list[str], index: int) -> str | None:
    """'reply' or 'forward' when the earlier mail starts at ``lines[index]``."""
    line = lines[index]
    if _QUOTED.match(line) or _ATTRIBUTION.match(line) or _REPLY_SEPARATOR.match(line):
        return "reply"
    if _FORWARD_SEPARATOR.match(line):
        return "forward"
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if _ATTRIBUTION_START.match(line) and _ATTRIBUTION.match(
        f"{line.rstrip()} {following.strip()}"
    ):
        return "reply"
    if _HEADER_FROM.match(line):
        window = lines[index + 1 : index + 1 + _HEADER_BLOCK_SPAN]
        if any(_HEADER_SENT.match(other) for other in window):
            return "reply"
    return None


def split_thread(body: str, subject: str = "") -> Thread:
    """The newest message of ``body`` and the earlier mail below it, if any."""
    lines = body.replace("\r\n", "\n").split("\n")
    for index in range(len(lines)):
        kind = _starts_earlier(lines, index)
        if kind is None:
            continue
        forwarded = kind == "forward" or bool(_FORWARD_SUBJECT.match(subject))
        return Thread("\n".join(lines[:index]), "\n".join(lines[index:]), forwarded)
    return Thread(body, "", False)


def forwarded_text(earlier: str) -> str:
    """The forwarded mail's text: separators, header lines and ``>`` marks taken away."""
    kept: list[str] = []
    in_headers = True
    for line in earlier.split("\n"):
        bare = re.sub(r"^\s*>+\s?", "", line)
        if _FORWARD_SEPARATOR.match(bare) or _REPLY_SEPARATOR.match(bare):
            in_headers = True
            continue
        if in_headers and (_HEADER_LINE.match(bare) or not bare.strip()):
            continue
        in_headers = False
        kept.append(bare)
    return "\n".join(kept)


__all__ = ["Thread", "forwarded_text", "is_reply_or_forward", "split_thread"]
