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
    (
        r"\b(?:revised|new|updated)(?: estimated| expected| planned| confirmed)? "
        r"(?:delivery|shipping|ship|dispatch|arrival|departure) (?:date|week)\b",
        2.0,
    ),
    (r"\b(?:new|revised|updated) ETA\b", 2.0),
    (r"\bcan (?:now )?only be (?:shipped|delivered|dispatched)\b", 1.5),
    (r"\breschedul\w*", 1.5),
    (
        r"\bbehind (?:schedule|plan)\b|\b(?:running|fallen|fell|falling|are|is)\s+(?:\w+\s+){0,3}behind\b",
        1.5,
    ),
    (r"\bunable to (?:deliver|ship)\b", 1.5),
    # relative wordings: "later than planned", "slips by a week", "5 days late"
    (r"\blater than (?:planned|expected|scheduled|agreed|confirmed|promised|originally)\b", 2.0),
    (r"\b(?:slips|slipped|slipping|(?:will|would|could|may|might|to) slip)\b", 1.5),
    (r"\b(?:days?|weeks?|months?)(?: more)? (?:late|later|behind)\b", 1.5),
    (r"\bheld up\b", 1.0),
    (
        r"\b(?:days?|weeks?|months?) (?:out|off|after|beyond|past|behind) (?:from |of )?"
        r"(?:the |our |your )?(?:\w+ )?(?:date|schedule|plan|deadline|slot)\b",
        1.5,
    ),
    (r"\b(?:is|are|was|were|be|running|arrives?|arriving|ships?|shipping) (?:\w+ )?late\b", 1.5),
    # a partial delivery whose rest comes later
    (
        r"\b(?:remaining|remainder|rest|balance|outstanding)\b.{0,60}?"
        r"\b(?:follow(?:s|ing)?|later|back-?order\w*|"
        r"will be (?:delivered|shipped|dispatched) (?:on|in|by|next|within|after|later))\b",
        2.0,
    ),
    (r"\bpartial (?:delivery|shipment)\b|\bonly part of\b", 1.0),
    # German
    (r"\bverz[öo]ger\w*", 2.0),
    (r"\bversp[äa]t\w*", 2.0),
    (r"\blieferverzug\b", 2.0),
    (r"\bverschieb\w*|\bverschoben\b", 1.5),
    (r"\bneue[rn]? (?:liefertermin|lieferdatum|versandtermin)\w*", 2.0),
    (r"\bnicht (?:rechtzeitig|fristgerecht|termingerecht)\b", 1.5),
    (
        r"\b(?:tage?n?|wochen?|monate?n?|arbeitstage?n?|werktage?n?) (?:später|verspätet|im verzug)\b",
        1.5,
    ),
    (r"\berst\b.{0,60}?\bspäter\b", 1.0),
    (r"\bspäter (?:als )?(?:geplant|zugesagt|vereinbart|bestätigt)\w*", 1.5),
    (r"\bim (?:liefer)?verzug\b|\bim rückstand\b", 1.5),
    (
        r"\b(?:restlichen?|restmenge|rest|restlieferung)\b.{0,60}?\b(?:folg\w*|später|nachgeliefert)",
        2.0,
    ),
    (r"\bteillieferung\b", 1.0),
    # French
    (r"\bretard\w*", 2.0),
    (r"\breport(?:é|ée|és|ées|er)\b", 1.5),
    (r"\bdécal(?:é|ée|és|ées|er|age)\b", 1.5),
    (r"\bnouvelle date (?:de livraison|d'expédition|d’expédition)\b", 2.0),
    (r"\bdifférée?s?\b", 1.5),
    (r"\b(?:jours?|semaines?|mois) plus tard\b", 1.5),
    (
        r"\b(?:solde|reste|reliquat)\b.{0,60}?\b(?:suivra|suivront|sera (?:livré|expédié)|plus tard)",
        2.0,
    ),
    (r"\blivraison partielle\b", 1.0),
)

PRICE_CUES = _cues(
    # English
    (r"\bprice (?:increase|adjustment|change|update|revision)s?\b", 2.5),
    (r"\b(?:increase|raise|adjust|revise)\w* (?:our |the |all |its )?(?:unit )?prices\b", 2.0),
    (r"\bprices? .{0,160}\bwill (?:increase|rise|go up|change)\b", 2.0),
    (r"\bsurcharge\b", 1.5),
    (r"\bnew (?:unit )?prices?\b", 1.5),
    (r"\bprice list\b", 1.0),
    # a change of some per cent: "an increase of 6 %", "prices go up 2.5%", "um 4 %"
    (
        r"\b(?:increase|rise|rises|rising|raise|go(?:es)? up|surcharge|adjustment|uplift)\b"
        r".{0,40}?\d+(?:[.,]\d+)?\s?%",
        2.0,
    ),
    (r"\bprices?\b.{0,100}?\d+(?:[.,]\d+)?\s?%|\d+(?:[.,]\d+)?\s?%.{0,100}?\bprices?\b", 1.5),
    (r"\b(?:higher|increased) (?:unit |list )?prices?\b", 1.5),
    # German
    (r"\bpreis(?:erhöhung|anpassung|änderung|steigerung)\w*", 2.5),
    (r"\bneue[rn]? (?:stück)?preis\w*", 1.5),
    (r"\b(?:teuerungs|material|energie)zuschl[äa]g\w*", 1.5),
    (r"\bpreise\b.{0,160}(?:erhöh|steig|anheb|anpass)\w*", 2.0),
    (r"\b(?:erhöh|steiger|anheb|anpass)\w*\b.{0,80}\b(?:preise?|tarife?)\b", 2.0),
    (r"\b(?:erhöh|steig|anheb|anpass|aufschlag|zuschlag)\w*\b.{0,40}?\d+(?:[.,]\d+)?\s?%", 2.0),
    (r"\b(?:höher|teurer|erhöht)\w*\s+(?:stück|listen)?preis\w*", 2.0),
    (
        r"\bpreise?s?\b.{0,100}?\bum \d+(?:[.,]\d+)?\s?%|\bum \d+(?:[.,]\d+)?\s?%.{0,100}?\bpreise?\b",
        1.5,
    ),
    # French
    (
        r"\b(?:augmentation|hausse|révision|ajustement) (?:de |des |de nos |du )?(?:prix|tarifs?)\b",
        2.5,
    ),
    (r"\bajustement tarifaire\b", 2.5),
    (r"\bnouveaux? (?:prix|tarifs?)\b", 1.5),
    (r"\b(?:augment|relev|ajust)\w*\b.{0,80}\b(?:nos |les |des )?(?:prix|tarifs?)\b", 2.0),
    (r"\bsurco[uû]t\b", 1.5),
    (r"\b(?:augment|hausse|relev|major)\w*\b.{0,40}?\d+(?:[.,]\d+)?\s?%", 2.0),
    (r"\b(?:prix|tarifs?)\b.{0,100}?\d+(?:[.,]\d+)?\s?%", 1.5),
    (r"\b(?:prix|tarifs?) (?:plus élevés?|majorés?|augmentés?)", 2.0),
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
    r"\b(?:originally|original|initially|previously|instead of|was due|were due|due (?:on|for)|"
    r"(?:was|were) (?:expected|planned|scheduled|promised|confirmed)|scheduled|planned|"
    r"confirmed(?: for)?|promised|from|"
    r"von|vom|ursprünglich\w*|statt|anstatt|anstelle|bisher\w*|geplant\w*|vorgesehen\w*|"
    r"bestätigt\w*|zugesagt\w*|"
    r"initialement(?: prévue?s?)?|prévue?s?|au lieu d[ue]|originale?s?|précédemment|confirmée?s?)\b",
    _I,
)

# Bare "to", "auf", "now", "nun", "jetzt" are no markers: "scheduled to ship on D1" and
# "auf Lager" are not new dates. A bare connector between an original and a following
# date ("from D1 to D2", "von KW 49 auf KW 51") is read in :mod:`dates`.
NEW_DATE_MARKERS = re.compile(
    r"\b(?:new|revised|updated|postponed (?:to|until)|moved to|pushed back to|delayed (?:to|until)|"
    r"shifted to|slip(?:s|ped)? to|rescheduled (?:to|for)|not (?:\w+ ){0,2}(?:before|until)|until|"
    r"earliest|"
    r"estimated|expected|expect|expects|ETA|now (?:expected|scheduled|planned|due|on|for|by)|"
    r"nun (?:am|zum|für)|jetzt (?:am|zum|für)|"
    r"only be (?:shipped|delivered|dispatched)(?: on)?|"
    r"(?:will|can|could|shall) (?:now |only |then )?(?:be )?"
    r"(?:ship|shipped|deliver|delivered|dispatch|dispatched|arrive|ready|follow|leave)(?: on| by)?|"
    r"neu(?:e[rn]?)?|auf den|auf die|in die|verschiebt sich(?: auf| zum)?|verschoben auf|"
    r"verzögert sich auf|voraussichtlich|frühestens|erst am|erst zum|nicht vor(?: dem)?|"
    r"nouvelle|reportée? (?:au|à)|décalée? (?:au|à)|retardée? (?:au|à)|désormais|à présent|"
    r"au plus tôt|pas avant (?:le )?|jusqu'au|jusqu’au|sera (?:livrée?s?|expédiée?s?)(?: le| au)?)\b",
    _I,
)

EFFECTIVE_MARKERS = re.compile(
    r"\b(?:effective(?: from| as of| on)?|with effect from|as of|as from|starting(?: on| from)?|"
    r"from|beginning|"
    r"ab dem|gültig ab|mit wirkung (?:vom|zum|ab)|ab|zum|per|"
    r"à compter du|à partir du|dès le|applicable(?:s)? au)\b",
    _I,
)

NEGATION = re.compile(
    r"(?:n[’']t|\bno(?!\.?\s*[\d#:])|\b(?:not|never|without|nor|"
    r"kein|keine|keinen|keiner|keinerlei|ohne|nicht|"
    r"aucun|aucune|sans|pas|ni))\b",
    _I,
)
"""Words that take back a cue standing after them in the same clause ("no delay")."""

NEGATION_EXCEPTIONS = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:avoid|prevent|help|vermeiden|verhindern|éviter|empêcher)\b|"
    r"^\W*(?:only|just|nur|que)\b",
    _I,
)
"""After a negation, words that keep the cue ("could not avoid a delay", "not only")."""

NEGATED_AFTER = re.compile(
    r"^.{0,40}?\b(?:(?:is|are|was|were) not (?:expected|anticipated|foreseen|likely)|"
    r"(?:ist|sind) nicht (?:zu erwarten|absehbar|geplant)|"
    r"n'est pas (?:à )?prévue?|ne sont pas (?:à )?prévue?s|n'est pas à prévoir|"
    r"ne sera pas|n'est pas attendue?|"
    r"as (?:planned|scheduled|agreed|confirmed|promised)|on time|wie (?:geplant|vereinbart|bestätigt)|"
    r"termingerecht|pünktlich|comme prévu|dans les délais)",
    _I,
)
"""A cue taken back after it ("a delay is not expected")."""

HEDGES = re.compile(
    # English ("may" in lower case only: "May 2027" is a month; "could you" is a request)
    r"(?-i:\bmay\b)(?!\s+(?:we|i)\b)|"
    r"\b(?:might|could(?!\s+(?:you|we|i)\b)|(?<!as soon as )(?<!if )possibl[ey]|"
    r"potential(?:ly)?|risk|perhaps|unsure|uncertain|unclear|not sure|"
    r"cannot rule out|can't rule out|not (?:yet )?(?:able|in a position) to confirm|"
    r"(?:cannot|can't|can not|unable to) (?:yet )?(?:confirm|say|tell|guarantee|promise)|"
    # German
    r"könnte(?:n|st)?(?!\s+(?:sie|wir|ich)\b)|möglicherweise|eventuell|evtl|unter umständen|"
    r"risiko|voraussichtlich nicht|nicht sicher|unklar|nicht ausschließen|"
    r"(?:noch )?nicht (?:bestätigen|zusagen|sagen|garantieren|versprechen)|"
    # French
    r"pourrai(?:t|ent)(?!-(?:vous|nous))|"
    r"(?<!as soon as )(?<!if )(?<!dès que )(?<!tôt )(?<!si )possible(?:ment)?|éventuel\w*|"
    r"risque|pas exclure|pas sûrs?|incertaine?s?|pas en mesure de confirmer|"
    r"pas (?:encore )?(?:confirmer|dire|garantir|promettre))\b",
    _I,
)
"""Words that make a statement about a delivery uncertain."""

UNCERTAIN_DELIVERY = re.compile(
    r"\b(?:(?:delivery|ship(?:ping)?|dispatch|arrival|departure) (?:date|time|week)|ETA|"
    r"vessel|late|delay\w*|affected|miss(?:es|ed)?|"
    r"liefertermin\w*|lieferdatum|versandtermin\w*|termin\w*|verzög\w*|versp[äa]t\w*|betroffen|"
    r"date de livraison|date d'expédition|date d’expédition|délai\w*|retard\w*|"
    r"affectée?s?|impactée?s?)\b",
    _I,
)
"""With a hedge, the words that make it a possible delay for a person to look at."""

AUTO_REPLY = re.compile(
    r"\b(?:out of (?:the )?office|automatic reply|auto-?reply|autoreply|"
    r"abwesenheitsnotiz|automatische antwort|abwesend|"
    r"réponse automatique|absence du bureau|absent(?:e)? du bureau)",
    _I,
)
"""An out-of-office reply by its subject."""

AUTO_REPLY_BODY = re.compile(
    r"\bI(?: am|'m|’m| will be) (?:currently |now )?(?:out of (?:the )?office|away from (?:the|my) "
    r"(?:office|desk)|on (?:\w+ )?leave|on holiday|on vacation)|"
    r"\bich bin\b.{0,60}?\b(?:nicht im büro|abwesend|außer haus|im urlaub)|"
    r"\bje suis\b.{0,40}?\b(?:absente?|en congés?|en vacances)",
    _I,
)
"""The writer's own out-of-office words: never a supplier's notice, whatever delay
words follow ("replies may be delayed")."""

BULK_MAIL = re.compile(
    r"\b(?:unsubscribe|opt[ -]out|you (?:receive|are receiving) this (?:e-?mail|message|newsletter)|"
    r"abmelden|abbestellen|vom newsletter|"
    r"se désinscrire|désinscription|désabonner|désabonnement)",
    _I,
)
"""A newsletter or other bulk mail: industry news, not a notice about an order."""

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to we our your will is be for that with this are please".split()),
    "de": frozenset("der die das und wir ihr ihre ihrer sich nicht mit den ist eine bitte".split()),
    "fr": frozenset("le la les des et nous vous votre est une du pour que avec sont".split()),
}

__all__ = [
    "AUTO_REPLY",
    "AUTO_REPLY_BODY",
    "BULK_MAIL",
    "CLASS_THRESHOLD",
    "DELAY_CUES",
    "EFFECTIVE_MARKERS",
    "FORCE_MAJEURE",
    "HEDGES",
    "NEGATED_AFTER",
    "NEGATION",
    "NEGATION_EXCEPTIONS",
    "NEW_DATE_MARKERS",
    "ORIGINAL_DATE_MARKERS",
    "PRICE_CUES",
    "REASON_MARKERS",
    "STOPWORDS",
    "UNCERTAIN_DELIVERY",
    "UNAFFECTED",
    "Cue",
]
