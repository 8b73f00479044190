"""Words and phrases the rule-based extraction looks for, in English, German and French.

Each cue is a compiled pattern with a weight: a strong phrase ("delayed", "verzögert",
"retard") weighs 2, a weaker hint 1–1.5. A class is chosen when its total reaches
:data:`CLASS_THRESHOLD`. Add a language by adding its entries to every table here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Cue:
    """One phrase that points to a class, with its weight."""

    pattern: re.Pattern[str]
    weight: float


def _cues(*pairs: tuple[str, float]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(p, _I), w) for p, w in pairs)


CLASS_THRESHOLD = 2.0
"""The least total weight for a class to be chosen; below it the mail is ``other``."""

DELAY_CUES = _cues(
    # English
    (r"\bdelay(?:s|ed|ing)?\b", 2.0),
    (r"\bpostpone(?:d|ment)?\b", 2.0),
    (r"\bpushed back\b", 1.5),
    (r"\blate (?:delivery|shipment|arrival)\b", 1.5),
    (r"\b(?:revised|new|updated) (?:delivery|shipping|ship|dispatch) date\b", 2.0),
    (r"\bcan (?:now )?only be (?:shipped|delivered|dispatched)\b", 1.5),
    (r"\breschedul\w*", 1.5),
    (r"\bbehind schedule\b", 1.5),
    (r"\bunable to (?:deliver|ship)\b", 1.5),
    # German
    (r"\bverz[öo]ger\w*", 2.0),
    (r"\bversp[äa]t\w*", 2.0),
    (r"\blieferverzug\b", 2.0),
    (r"\bverschieb\w*|\bverschoben\b", 1.5),
    (r"\bneue[rn]? (?:liefertermin|lieferdatum|versandtermin)\w*", 2.0),
    (r"\bnicht (?:rechtzeitig|fristgerecht|termingerecht)\b", 1.5),
    # French
    (r"\bretard\w*", 2.0),
    (r"\breport(?:é|ée|és|ées|er)\b", 1.5),
    (r"\bdécal(?:é|ée|és|ées|er|age)\b", 1.5),
    (r"\bnouvelle date (?:de livraison|d'expédition|d’expédition)\b", 2.0),
    (r"\bdifférée?s?\b", 1.5),
)

PRICE_CUES = _cues(
    # English
    (r"\bprice (?:increase|adjustment|change|update|revision)s?\b", 2.5),
    (r"\b(?:increase|raise|adjust|revise)\w* (?:our |the |all |its )?(?:unit )?prices\b", 2.0),
    (r"\bprices? .{0,160}\bwill (?:increase|rise|go up|change)\b", 2.0),
    (r"\bsurcharge\b", 1.5),
    (r"\bnew (?:unit )?prices?\b", 1.5),
    (r"\bprice list\b", 1.0),
    # German
    (r"\bpreis(?:erhöhung|anpassung|änderung|steigerung)\w*", 2.5),
    (r"\bneue[rn]? (?:stück)?preis\w*", 1.5),
    (r"\b(?:teuerungs|material|energie)zuschl[äa]g\w*", 1.5),
    (r"\bpreise\b.{0,160}(?:erhöh|steig|anheb|anpass)\w*", 2.0),
    (r"\b(?:erhöh|steiger|anheb|anpass)\w*\b.{0,80}\b(?:preise?|tarife?)\b", 2.0),
    # French
    (
        r"\b(?:augmentation|hausse|révision|ajustement) (?:de |des |de nos |du )?(?:prix|tarifs?)\b",
        2.5,
    ),
    (r"\bajustement tarifaire\b", 2.5),
    (r"\bnouveaux? (?:prix|tarifs?)\b", 1.5),
    (r"\b(?:augment|relev|ajust)\w*\b.{0,80}\b(?:nos |les |des )?(?:prix|tarifs?)\b", 2.0),
    (r"\bsurco[uû]t\b", 1.5),
)

UNAFFECTED = re.compile(
    r"\b(?:not (?:be )?affected|unaffected|on schedule|as planned|on time|as scheduled|"
    r"nicht betroffen|wie geplant|termingerecht|planmäßig|pünktlich|"
    r"pas (?:été )?(?:concernée?s?|affectée?s?|impactée?s?)|non concernée?s?|comme prévu|dans les délais)\b",
    _I,
)
"""A sentence saying its items are *not* late ("MTR-15K-400 is not affected")."""

FORCE_MAJEURE = re.compile(
    r"\bforce[ -]majeure\b|\bh[öo]here[rn]? gewalt\b|\bact of god\b|\bcas fortuit\b", _I
)

REASON_MARKERS = re.compile(
    r"\b(?:due to|because of|owing to|as a result of|caused by|on account of|"
    r"the reason (?:for this |for the delay )?is|reason:|"
    r"aufgrund|auf grund|wegen|infolge|bedingt durch|grund (?:dafür )?ist|ursache ist|"
    r"en raison d(?:e|u|es|')|à cause d(?:e|u|es|')|suite à|du fait d(?:e|u|es|')|"
    r"la raison est|causée? par)\s*",
    _I,
)

ORIGINAL_DATE_MARKERS = re.compile(
    r"\b(?:originally|original|initially|previously|instead of|was due|planned|confirmed for|from|"
    r"von|vom|ursprünglich\w*|statt|anstatt|anstelle|bisher\w*|geplant\w*|vorgesehen\w*|bestätigt\w*|"
    r"initialement|prévue?s?|au lieu d[ue]|originale?s?|précédemment|confirmée?s?)\b",
    _I,
)

NEW_DATE_MARKERS = re.compile(
    r"\b(?:new|revised|now|postponed to|moved to|rescheduled (?:to|for)|not before|until|"
    r"earliest|only be (?:shipped|delivered|dispatched)(?: on)?|"
    r"to|auf|neu(?:e[rn]?)?|auf den|auf die|in die|verschiebt sich|voraussichtlich|frühestens|nun|jetzt|"
    r"nouvelle|reportée? (?:au|à)|décalée? (?:au|à)|désormais|à présent|au plus tôt|"
    r"jusqu'au|jusqu’au)\b",
    _I,
)

EFFECTIVE_MARKERS = re.compile(
    r"\b(?:effective(?: from| as of)?|with effect from|as of|starting|"
    r"ab dem|gültig ab|mit wirkung (?:vom|zum)|ab|"
    r"à compter du|à partir du|applicable(?:s)? au)\b",
    _I,
)

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to we our your will is be for that with this are please".split()),
    "de": frozenset("der die das und wir ihr ihre ihrer sich nicht mit den ist eine bitte".split()),
    "fr": frozenset("le la les des et nous vous votre est une du pour que avec sont".split()),
}

__all__ = [
    "CLASS_THRESHOLD",
    "DELAY_CUES",
    "EFFECTIVE_MARKERS",
    "FORCE_MAJEURE",
    "NEW_DATE_MARKERS",
    "ORIGINAL_DATE_MARKERS",
    "PRICE_CUES",
    "REASON_MARKERS",
    "STOPWORDS",
    "UNAFFECTED",
    "Cue",
]
