"""Recognisers and name rules for ``models.pii``: UK formats, addresses, name cues, place words.

The patterns are compiled case-sensitively (``CASED``): Presidio's default is case-insensitive,
which would let "[A-Z]" match any letter. Weak name signals (spaCy's single-word PERSON, an
introduction, a vocative, a capitalised word) must start with a known first name; spans ending in
a street or place word are places.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import gender_guesser.detector as gender_detector
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

PHONE_REGIONS = ("GB", "IE", "US", "CA", "AU", "NZ", "FR", "DE", "ES", "IT", "NL", "BE", "PL", "PT", "IN")
STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Way|Close|Cl|Drive|Dr|Terrace|Crescent|Cres|Place|Pl|"
    r"Court|Ct|Gardens|Grove|Hill|Square|Sq|Row|Parade|Walk|Mews|View|Rise|Park|Green"
)
NAME = r"(?:O'|Mc|Mac)?[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
# Lower-case or short parts of surnames ("Maria De Anasantis", "Vincent van Gogh").
PARTICLES = (
    r"(?:[Dd]e|[Dd]el|[Dd]ella|[Dd]ei|[Dd]i|[Dd]a|[Dd]as|[Dd]o|[Dd]os|[Dd]u|[Ll]a|[Ll]e|[Vv]an|[Vv]on|[Dd]er|"
    r"[Tt]er|[Tt]en|[Bb]in|[Bb]int|[Ii]bn|[Aa]l|y|e)"
)
# Capitalised words that are also common first names but, capitalised mid-sentence, rarely people.
WORD_NAMES = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Will",
        "Hope",
        "Faith",
        "Joy",
        "Summer",
        "Sunny",
        "Dawn",
        "Holly",
        "Ivy",
        "Robin",
        "Rose",
        "Star",
        "Angel",
        "Christian",
        "Jordan",
        "Chelsea",
        "Paris",
        "London",
        "Victoria",
        "Albert",
        "Florence",
        "Charity",
        "Grant",
        "Mercy",
        "Lane",
    ]
)

# Presidio compiles patterns case-insensitively by default; names, streets and postcodes need case.
CASED = re.DOTALL | re.MULTILINE
WEAK_NAMES = "weak name cues"
STRONG_NAMES = "name cues"


def address_recognizer() -> PatternRecognizer:
    """Street addresses: a house number (optionally after "Flat 2,") before a street name."""
    # A street name alone ("Bridge Street") is what consultations are about; only a house number
    # (optionally after "Flat 2,") makes it an address.
    pattern = (
        rf"\b(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+"
        rf"(?:[A-Z][a-z]+\s+){{1,3}}(?:{STREET_TYPES})\b"
    )
    # Spanish and Catalan order: the street word, its name, then the number ("calle Mieses 3",
    # "C/ Mayor nº 5", "Carrer de Sants 79").
    iberian = (
        r"\b(?i:calle|c/|avenida|avda\.?|av\.|plaza|pza\.?|paseo|pº|camino|carretera|ronda|travesía|carrer|"
        r"c\.|avinguda|plaça|passeig|rúa|rua)\s*(?:(?:de la|de l'|del|dels|de|la|el|los|las)\s+|d'|de l')?"
        r"(?:[A-ZÀ-Ý][\wÀ-ÿ'-]+(?:\s+|,\s*)){1,4}(?:(?i:nº|n\.º|núm\.?|número|no\.?)\s*)?\d{1,4}[A-Za-z]?\b"
    )
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="street address",
        patterns=[Pattern("house number and street", pattern, 0.7), Pattern("street and house number", iberian, 0.7)],
        global_regex_flags=CASED,
    )


def uk_patterns() -> list[PatternRecognizer]:
    """Strict UK postcode and UK phone formats."""
    # Presidio's postcode recogniser scores a bare postcode below the threshold unless a word like
    # "postcode" is near; a strictly formatted one is evidence enough. The phone pattern catches
    # UK numbers written in ways the phonenumbers parser does not match in running text.
    postcode = r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"
    phone = r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)"
    return [
        PatternRecognizer(
            supported_entity="UK_POSTCODE",
            name="uk postcode format",
            patterns=[Pattern("postcode", postcode, 0.6)],
            global_regex_flags=CASED,
        ),
        PatternRecognizer(
            supported_entity="PHONE_NUMBER", name="uk phone format", patterns=[Pattern("uk phone", phone, 0.5)]
        ),
    ]


# Titles and offices written before a person's name ("Mr.Berthold", "Chair Garodnick").
TITLES = (
    r"(?i:mr|mrs|ms|miss|mx|dr|prof|cllr|sir|dame|mister|rev|sr|sra|srta|dña|herr|frau|mme)\.?\s*|"
    r"(?i:Chair|Chairman|Chairwoman|Commissioner|Council\s?[Mm]ember|Councillor|Councilwoman|Councilman|Senator|"
    r"Assemblyman|Assemblywoman|Assemblymember|Congressman|Congresswoman|Secretary|Minister|Mayor|Deputy Mayor|"
    r"Borough President|Administrator|Director|Judge|Governor|Representative|Reverend|Professor)\s+|"
    r"(?i:council\s?member),\s+"
)
# Words that follow a title but are offices or forms of address, not names ("Mr. Chair").
ROLE_WORDS = (
    r"Chair|Chairman|Chairwoman|Speaker|President|Minister|Secretary|Commissioner|Mayor|Clerk|Deputy|Member|Members|"
    r"Madam|Sir|Premier|Prime|Vice|Acting|Chief|General|Administrator|Director|Council|Committee|Dr|Mr|Mrs|Ms|"
    r"Doctor|Professor|The|And|Of|For|To|On|In"
)


def name_cue_recognizer() -> PatternRecognizer:
    """Strong name cues: titles, "my name is", "I'm called", sign-offs."""
    patterns = [
        # Above spaCy's 0.85, so that a strong cue wins over an overlapping NER span.
        Pattern("title and name", rf"(?<![\w.])(?:{TITLES})(?!(?:{ROLE_WORDS})\b)(?:{NAME}\s+)?{NAME}\b", 0.9),
        Pattern(
            "my name is",
            rf"(?<=\b(?:[Mm]y name is|[Mm]e llamo|[Mm]i nombre es|[Ee]m dic|[Jj]e m'appelle|[Ii]ch heiße|[Mm]i chiamo) )"
            rf"(?:{NAME})(?:\s+(?:{PARTICLES}\s+)?{NAME}){{0,2}}\b",
            0.95,
        ),
        Pattern("I am called", rf"(?<=\b[Ii]'m called )(?:{NAME})(?:\s+{NAME})?\b", 0.9),
        Pattern(
            "signed",
            rf"(?<=\b(?:Regards|Thanks|Sincerely|Signed|Yours faithfully|Yours sincerely),\s)"
            rf"(?:{NAME})(?:\s+{NAME}){{0,2}}\b",
            0.9,
        ),
    ]
    return PatternRecognizer(supported_entity="PERSON", name=STRONG_NAMES, patterns=patterns, global_regex_flags=CASED)


def weak_name_recognizer() -> PatternRecognizer:
    """Weak name cues, kept only when they start with a known first name."""
    # "Pauline, from Eastcliff." / "Thank you, Pauline." — a capitalised word opening a sentence
    # before a comma, or addressed after a comma. Weak on their own: kept only for known first names.
    patterns = [
        Pattern("first name", rf"(?<![.!?]\s)(?<!^)\b{NAME}(?:\s+{NAME})?\b", 0.5),
        Pattern("introduction", r"(?:(?<=^)|(?<=[.!?]\s)|(?<=\n))[A-Z][a-z]+(?=,\s)", 0.6),
        Pattern("vocative", r"(?<=,\s)[A-Z][a-z]+(?=[.,!?](?:\s|$))", 0.6),
    ]
    return PatternRecognizer(supported_entity="PERSON", name=WEAK_NAMES, patterns=patterns, global_regex_flags=CASED)


PLACE_WORDS = frozenset(STREET_TYPES.split("|")) | {
    "Primary",
    "School",
    "Academy",
    "College",
    "University",
    "Station",
    "Harbour",
    "Market",
    "Centre",
    "Center",
    "Hospital",
    "Church",
    "Library",
    "Council",
    "Bridge",
    "Quay",
    "Beach",
    "Pier",
    "Estate",
    "Village",
    "Town",
    "City",
    "Ward",
    "Retail",
    "Stadium",
    "Surgery",
    "Pool",
    "Airport",
}
# Landscape and area words that end place names ("Long Island", "Prince Albert County")...
NATURE_PLACES = frozenset(
    [
        *["Heights", "Falls", "Springs", "Valley", "Island", "Islands", "Bay", "Point", "Harbor", "Forest"],
        *["Creek", "River", "Mountain", "Ridge", "County", "Borough", "District"],
    ]
)
# ...and those that are also surnames: a place only after a word that is not a first name.
SURNAME_PLACES = frozenset(["Meadows", "Woods", "Fields", "Mills", "Lake"])
# Words that name organisations, not people ("Heath Technology", "Scott Waste Services").
ORG_WORDS = frozenset(
    [
        "Technology",
        "Technologies",
        "Health",
        "Healthcare",
        "Group",
        "Inc",
        "LLC",
        "Ltd",
        "Corp",
        "Corporation",
        "Company",
        "Foundation",
        "Association",
        "Institute",
        "Services",
        "Solutions",
        "Systems",
        "Partners",
        "Network",
        "Alliance",
        "Coalition",
        "Society",
        "Agency",
        "Department",
        "Ministry",
        "Commission",
        "Committee",
        "Authority",
        "Clinic",
        "Pharmacy",
        "Labs",
        "Project",
        "Initiative",
        "Program",
        "Programme",
        "Directive",
        "Regulation",
    ]
)


def trimmed(result: RecognizerResult, text: str) -> RecognizerResult:
    """A spaCy PERSON span cut to start at its first name ("Ring Helen Price" → "Helen Price")."""
    metadata = result.recognition_metadata or {}
    if result.entity_type != "PERSON" or metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) != "SpacyRecognizer":
        return result
    words = text[result.start : result.end].split()
    detector = _first_names()
    if len(words) > 1 and detector.get_gender(words[0]) == "unknown" and detector.get_gender(words[1]) != "unknown":
        start = text.index(words[1], result.start)
        return RecognizerResult(
            result.entity_type,
            start,
            result.end,
            result.score,
            result.analysis_explanation,
            result.recognition_metadata,
        )
    return result


def spacy_false_person(result: RecognizerResult, text: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """A PERSON found by spaCy's NER or a weak cue (not a strong one) whose text is not a name."""
    metadata = result.recognition_metadata or {}
    return (
        result.entity_type == "PERSON"
        and metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) in ("SpacyRecognizer", WEAK_NAMES)
        and _not_a_name(
            text[result.start : result.end],
            trusted_shape=metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == "SpacyRecognizer",
            vocabulary=vocabulary,
        )
    )


def false_url(result: RecognizerResult, text: str) -> bool:
    """A URL match that is two words joined by a missing space ("services.Such", "Mr.Chair")."""
    if result.entity_type != "URL":
        return False
    span = text[result.start : result.end]
    glued = (result.end < len(text) and text[result.end].isalnum()) or (
        result.start > 0 and text[result.start - 1].isalnum()
    )
    explicit = "://" in span or span.lower().startswith("www.") or "/" in span or "@" in span
    return not explicit and (glued or bool(re.search(r"\.[A-Z]", span)))


@lru_cache(maxsize=1)
def _first_names() -> gender_detector.Detector:
    return gender_detector.Detector(case_sensitive=True)


COMMON_WORDS = Path(__file__).resolve().parent / "data" / "common_words.tsv"


def common_words_from_lookups() -> dict[str, float]:
    """Lower-case English words frequent enough that, capitalised, they are rarely a person.

    From spaCy's lexeme probabilities (``spacy-lookups-data``, MIT): a word whose lower-case form
    is more common than ``COMMON_WORD_LOGPROB`` ("waste", "housing", "okay", "oh"). First names and
    surnames are rarer in lower case ("john" -13.0, "williams" -14.4), so they stay names. Reading
    the million-entry table takes seconds, so ``scripts/make_common_words.py`` keeps these 6,211
    words in ``models/data/common_words.tsv`` (tested to match).
    """
    import gzip
    import json

    import spacy_lookups_data

    path = spacy_lookups_data.__path__[0] + "/data/en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        prob: dict[str, float] = json.load(handle)
    return {word: p for word, p in prob.items() if p > COMMON_WORD_LOGPROB and word.isalpha() and word.islower()}


@lru_cache(maxsize=1)
def _common_words() -> dict[str, float]:
    rows = (line.split("\t") for line in COMMON_WORDS.read_text(encoding="utf-8").splitlines() if line)
    return {word: float(p) for word, p in rows}


COMMON_WORD_LOGPROB = -12.0
# A known first name alone ("Bill, I've lived here all my life") is ordinary only when it is
# commoner than this in English ("okay", "oh", "so") or the consultation uses it in lower case.
ALONE_COMMON_LOGPROB = -9.5
# After a known first name a surname may well be an ordinary word ("Helen Price", "Gordon Brown"):
# it counts as ordinary only when it is one of the commonest English words, or when this
# consultation uses it often both in lower case and capitalised ("Jasper Housing" in a housing
# hearing). A leaked name is worse than a redacted word.
VERY_COMMON_LOGPROB = -8.5


def common_word(
    word: str,
    vocabulary: frozenset[str] = frozenset(),
    logprob: float = COMMON_WORD_LOGPROB,
    *,
    alone: bool = True,
    lower_case: bool = True,
) -> bool:
    """Whether a capitalised word is ordinary vocabulary (English, or this consultation's own).

    The consultation's frequent capitalised words ("Brooklyn") count only for a word ``alone``:
    in a full name a committee member's often-said surname is still a name. Its lower-case words
    count unless ``lower_case`` is off (a first name alone: "the bill" must not unmask "Bill,").
    """
    lower = word.lower()
    return (
        _common_words().get(lower, -99.0) > logprob
        or (lower_case and lower in vocabulary)
        or (alone and word in vocabulary)
    )


def _not_a_name(span: str, *, trusted_shape: bool, vocabulary: frozenset[str] = frozenset()) -> bool:
    """Whether a PERSON span from spaCy or a weak cue is not a person's name.

    The small English model tags places, organisations and capitalised words as people ("Chapel
    Lane", "Long Island", "Young People", "Okay"). Every word of a name is capitalised (or a
    particle: "De", "van"); a span ending in a street or place word is a place. A known first name
    (gender-guesser's ~40,000, many countries) and more words is a person — "Helen Price",
    "DeShawn Williams", "Sarah Mills" — unless a later word is a function word, an organisation
    word or this consultation's own recurring term ("Jasper Housing" in a housing hearing): a
    leaked name is worse than a redacted word; only the commonest English words ("People", "Day")
    end a span that starts with a first name ("Young People"). Other multi-word spans from spaCy
    (``trusted_shape``) are names unless a word is ordinary vocabulary, names a place or an
    organisation, or runs two words together ("ChicoutimiLe Fjord"). A single word needs a known
    first name that is not among the commonest English words.
    """
    words = [w.strip(".,'’") for w in span.replace("'s", "").replace("’s", "").split()]
    words = [w for w in words if w]
    if not words or span.startswith("[") or any(ch.isdigit() for ch in span) or words[-1] in PLACE_WORDS:
        return True
    if words[-1] in NATURE_PLACES:
        return True
    if not all(w[:1].isupper() or _particle(w) for w in words):
        return True
    first, rest = words[0], [w for w in words[1:] if not _particle(w)]
    known_first = first not in WORD_NAMES and _first_names().get_gender(first) != "unknown"
    if known_first and rest:
        return any(
            w in ORG_WORDS
            or w.lower() in STOP_WORDS
            or _common_words().get(w.lower(), -99.0) > VERY_COMMON_LOGPROB
            or (w.lower() in vocabulary and w in vocabulary)
            for w in rest
        )
    if any(w in ORG_WORDS for w in rest) or any(_run_together(w) for w in words) or words[-1] in SURNAME_PLACES:
        return True
    if any(common_word(w, vocabulary, alone=False) for w in rest):
        return True
    if rest:  # no known first name: spaCy's shape is trusted when its first word is no ordinary word
        return not trusted_shape or common_word(first, vocabulary, alone=False)
    return not known_first or common_word(first, vocabulary, ALONE_COMMON_LOGPROB, lower_case=False)


def _particle(word: str) -> bool:
    return bool(re.fullmatch(PARTICLES, word)) or word.lower().startswith(("d'", "d’"))


def _run_together(word: str) -> bool:
    """Two words run together by a lost space ("ChicoutimiLe"), not a name's inner capital ("McCormick", "DeShawn")."""
    return bool(re.search(r"[a-z][A-Z]", re.sub(r"^(?:Mc|Mac|O'|De|Di|Da|Du|La|Le|Jo|Van|Von|St)", "", word)))
