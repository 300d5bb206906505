"""Substance or not: passages that say nothing about the matter are set aside, never themed.

Real hearings and dockets are full of text that carries no view: "Thank you, chair", "Good
morning", "My name is …", "I'm here on behalf of …", "Can you hear me?", "We'll move on to …",
"See attached file(s)", "N/A", "Okay.", a number read out. Clustered with the rest, these become
themes called "Afternoon" or "Behalf". A passage is *not substantive* when, once its formulae
(thanks, greeting, introduction, procedure, attachment, no comment) are taken out, at most a few
words of content remain; the category is that of its first formula, or ``filler`` for a fragment
with no content at all. A few words survive on purpose: "Thank you for the excellent care" and
NHS answers such as "Nothing." or "All good" stay substantive (they answer the question).

Built and measured on ``evaluation/substance/labels.jsonl`` (600 real passages, dev half used to
write the rules, test half reported in docs/QUALITY.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from models.sentiment import word_valence
from pipeline.prepare.passages import PLACEHOLDER
from pipeline.themes.background import WORD

CATEGORIES = ("thanks", "greeting", "introduction", "procedure", "attachment", "no_comment", "filler")

_FORMULAE: dict[str, str] = {
    "no_comment": (
        r"^\W*(?:n\W?a|none|nil|no comments?|no|nothing to (?:add|say|report)|not applicable|no opinion|"
        r"pass|skip|see above|as above)\W*$"
        r"|\b(?:no (?:specific |further |particular )?(?:opinion|comments?)|nothing (?:further|more|else) to add|"
        r"not (?:really )?in a position to (?:answer|comment|say)|cannot express an? (?:specific )?opinion|"
        r"(?:do not|don't) have (?:an? )?(?:opinion|comment|view)s?)\b"
    ),
    "attachment": (
        r"\b(?:(?:please )?(?:see|find|refer to|read)\b[^.]{0,40}\battach\w*|attached (?:is|are|please find|you will find)|"
        r"(?:submit|enclose|include)\w*\b[^.]{0,30}\battach\w*|attach\w*\b[^.]{0,40}\b(?:comments?|response|letter|"
        r"document|file|submission|testimony|pdf)s?|in the attach\w*|(?:can be|is|are) found in the attach\w*|"
        r"(?:handed|submitted|sent) in (?:my|our) (?:written )?testimony)\b"
    ),
    "thanks": (
        r"\b(?:thank(?:s| you)(?: (?:very|so) much| all| again| everyone| kindly)?|many thanks|with (?:sincere |many )?thanks|"
        r"(?:i|we) (?:really |greatly |truly )?appreciate|(?:grateful|thankful) for|much appreciated|"
        r"appreciate (?:the|this|your) (?:opportunity|time|chance|consideration)|"
        r"for (?:the|this) opportunity to (?:\w+ ){0,3}(?:comment|testify|speak|submit|respond|share|provide|contribute)\w*|"
        r"for (?:your|the|their) (?:time|consideration|attention|patience|leadership|question)|"
        r"for (?:giving|having|allowing|inviting|hearing|listening to) (?:me|us|you)\b(?: (?:a|the) (?:chance|opportunity) to \w+)?|"
        r"i recognize the (?:honourable|honorable) member)\b"
    ),
    "greeting": (
        r"^\W*(?:good (?:morning|afternoon|evening|day)|hello|hi|hey|dear|greetings|welcome|howdy)\b"
        r"|\b(?:good (?:morning|afternoon|evening)|hello|welcome) (?:everyone|everybody|all|again|back)\b"
    ),
    "introduction": (
        r"\b(?:my name is|my name's|i am|i'm|we are|i've been|i have been)\b(?: (?:a|an|the|one of the))?"
        r"(?: \w+){0,2} (?:resident|member|homeowner|tenant|renter|native|neighbou?r|student|parent|owner|director|"
        r"president|chair|founder|organi[sz]er|advocate|architect|planner|developer|landlord|nurse|doctor|physician)s?\b"
        r"|\b(?:my name is|my name's)\b"
        r"|\b(?:on behalf of|i (?:am here to )?represent|we represent|speaking (?:today )?(?:for|on behalf)|"
        r"(?:a |the )?(?:current |long ?time |lifelong )?residents? of|i live (?:in|on|at)|i(?:'ve| have) lived|"
        r"(?:i|we) (?:am|are) (?:pleased|writing|here|submitting) (?:to|on behalf|today)|"
        r"(?:the )?(?:founder|director|president|chair|member|owner|ceo|executive director) of|"
        r"i work (?:for|at|as|in)|i'm here|i am here|(?:i|we) (?:serve|work) (?:as|on))\b"
    ),
    "procedure": (
        r"\b(?:can (?:you|everyone) (?:hear|see) (?:me|us)|am i (?:on|muted|unmuted)|(?:un)?mute\w*|"
        r"you (?:may|can) (?:begin|proceed|start|go ahead)|go ahead|please (?:begin|proceed|start)|"
        r"next (?:speaker|panel|witness|item|question|up)|(?:next|now),? (?:we|i)(?:'ll| will| are going to|'re going to)\b"
        r"|we(?:'ll| will) (?:now )?(?:move on|hear|go back|begin|continue|turn|start|take)|followed by|on zoom|"
        r"promot\w+ to panelists?|(?:the )?(?:following|next) panel|calendar (?:number|item)|"
        r"(?:this|the) (?:public )?hearing is (?:now )?(?:open|closed|adjourned)|your time (?:is|has)|time (?:is )?up|"
        r"(?:\w+ )?minutes? (?:left|remaining)|clock|roll call|(?:i )?(?:move|second) (?:the|that) motion|"
        r"all (?:those )?in favou?r|(?:you|we) (?:had|have) a supplementary|order,? order|the floor is yours|"
        r"if i may (?:just )?finish|(?:please )?(?:state|spell) your name|submit (?:your )?(?:written )?testimony|"
        r"request for information|(?:should not|may not) (?:take photos|film|present)|the committee will|"
        r"(?:let me|i'll|i will) (?:now )?(?:call|invite|turn to|hand (?:it )?over))\b"
    ),
}
_COMPILED = {category: re.compile(pattern, re.IGNORECASE) for category, pattern in _FORMULAE.items()}
_ANY_FORMULA = re.compile("|".join(f"(?:{pattern})" for pattern in _FORMULAE.values()), re.IGNORECASE)

# Words that carry no content on their own. Negations and "nothing"/"everything"/"all" are kept out of
# this list on purpose: in an answer they are the answer ("Nothing.", "All good").
_ANSWERS = {"nothing", "everything", "no", "not", "none", "never", "all", "nobody", "everyone", "less", "more", "too"}
_EMPTY = (set(STOP_WORDS) - _ANSWERS) | {
    "okay", "ok", "yes", "yeah", "yep", "so", "um", "uh", "er", "erm", "ah", "oh", "well", "right",
    "mr", "mrs", "ms", "dr", "madam", "sir", "chair", "chairman", "chairperson", "chairwoman", "commissioner",
    "commissioners", "council", "member", "members", "committee", "colleague", "colleagues", "honourable",
    "honorable", "hon", "everybody", "folks", "guys", "ladies", "gentlemen", "today", "tonight", "evening",
    "morning", "afternoon", "again", "sincerely", "regards", "best", "respectfully", "kind", "kindly", "very",
    "really", "much", "lot", "opportunity", "chance", "time", "speak",
    "testify", "testimony", "comment", "comments", "submit", "submitted", "submission", "file", "files",
    "document", "documents", "attached", "attachment", "attachments", "please", "find", "see", "hear", "just",
    "like", "want", "wanted", "going", "thank", "thanks", "thanked", "appreciate", "appreciated", "sorry",
    "question", "questions", "no.", "hello", "hi", "welcome", "name", "behalf", "represent",
}  # fmt: skip
# A word with a clear tone in VADER's lexicon is a view ("excellent", "rude", "support"), however short.
_TONE = 1.5
MAX_CONTENT_WORDS = 2  # words of content a formula may carry and still be one ("Thank you, Jared")
# "See attached comments of Health Level Seven on CMS-0042-NC" names what is attached; still nothing to theme
ALLOWANCE = {"attachment": 6}
MAX_FORMULA_WORDS = 30  # a longer passage has room for a view, whatever formulae it holds
MAX_FRAGMENT_WORDS = 3  # a passage this short with no content at all is filler ("Okay.", "Chair.")
MAX_NAME_WORDS = 6


def _content_words(text: str, background: frozenset[str]) -> list[str]:
    """The words of ``text`` that say something: not function words, formulae, names or placeholders."""
    text = PLACEHOLDER.sub(" ", text)
    out = []
    for i, word in enumerate(WORD.findall(text)):
        lower = word.lower().strip("'’-")
        if lower in _EMPTY or (lower in background and lower not in _ANSWERS) or len(lower) < 2:
            continue
        if i > 0 and word[:1].isupper() and not word.isupper():
            continue  # a name read out ("Rosa Chang on Zoom"), not a word of content
        out.append(lower)
    return out


def _without_formulae(text: str) -> str:
    """``text`` with every formula (thanks, greeting, introduction, …) blanked out."""
    for pattern in _COMPILED.values():
        text = pattern.sub(" ", text)
    return text


def category_of(text: str, background: frozenset[str] = frozenset()) -> str | None:
    """The non-substantive category of ``text``, or None when it says something.

    ``background`` holds words every answer of the consultation uses (its own title, "CMS",
    "request"): they are no content either.
    """
    stripped = text.strip()
    if not stripped or not any(c.isalpha() for c in stripped):
        return "filler"
    size = len(WORD.findall(PLACEHOLDER.sub(" ", stripped)))
    if size > MAX_FORMULA_WORDS or (size > MAX_NAME_WORDS and not _ANY_FORMULA.search(stripped)):
        return None  # too long for a formula, or no formula and too long for a fragment or a name
    found = [(m.start(), category) for category, pattern in _COMPILED.items() for m in [pattern.search(stripped)] if m]
    rest = _without_formulae(stripped)
    everything = _content_words(rest, frozenset())
    if any(abs(word_valence(word)) >= _TONE for word in everything):
        return None
    words = WORD.findall(PLACEHOLDER.sub(" ", stripped))
    content = _content_words(rest, background)
    if found and len(words) <= MAX_FORMULA_WORDS:
        kinds = {c for _, c in found}
        for kind in ("no_comment", "attachment"):
            if kind in kinds and len(content) <= ALLOWANCE.get(kind, MAX_CONTENT_WORDS):
                return kind
        return min(found)[1] if len(content) <= MAX_CONTENT_WORDS and len(everything) <= 2 * MAX_CONTENT_WORDS else None
    if not everything and len(words) <= MAX_FRAGMENT_WORDS:
        return "filler"
    capitalised = [w for w in words if w[:1].isupper() and w.lower() not in _EMPTY]
    if (
        2 <= len(words) <= MAX_NAME_WORDS
        and len(capitalised) >= 2  # "Fix it!" is a view, "Mehmet Oz" a name
        and all((w[:1].isupper() or w.lower() in _EMPTY) and w.lower() not in _ANSWERS for w in words)
    ):
        return "filler"  # a name, a signature or a heading on its own: "Mehmet Oz", "Silva, PhD, MBA"
    return None


def categories(texts: Sequence[str], background: Iterable[str] = ()) -> list[str | None]:
    """:func:`category_of` of each text (None for a substantive one)."""
    words = frozenset(w.lower() for w in background)
    return [category_of(text, words) for text in texts]


# A theme this share of whose passages are formulaic (:func:`formulaic`) is procedure however
# much else they say. Set on the real sets (themes of eval-real, docs/QUALITY.md): the hearing's
# greetings, self-introductions and talk about testifying score 7–13%, regulations.gov's "Docket
# ID: … Comment Category" headers 7%; every substantive theme of NYC, regulations.gov, three Polis
# conversations and NHS comments scores 4% or less (NHS praise such as "Thank you for the
# excellent care" is not formulaic: it has a word of tone).
PROCEDURE_THEME_SHARE = 0.06
# Only short passages count, or passages made only of formulae (a run of "Good evening. Thank you
# for having me. Can you hear me?"): a letter that opens "Dear Councillors, I am writing to object
# to …" carries its view in the same passage.
PROCEDURE_PASSAGE_WORDS = 20
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def formula_of(text: str) -> str | None:
    """The category of the first formula in ``text`` (thanks, greeting, …), or None."""
    found = [(m.start(), category) for category, pattern in _COMPILED.items() for m in [pattern.search(text)] if m]
    return min(found)[1] if found else None


def formulaic(text: str) -> bool:
    """Short with a formula and no word of tone, or nothing but formulae sentence by sentence.

    "Thank you for the excellent care" is praise, not procedure (an NHS comment).
    """
    if len(text.split()) <= PROCEDURE_PASSAGE_WORDS and formula_of(text) is not None:
        rest = _without_formulae(text)  # "Good afternoon" is a greeting, not a word of tone
        return not any(abs(word_valence(w.lower())) >= _TONE for w in WORD.findall(rest))
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    return len(sentences) > 1 and all(category_of(s) is not None for s in sentences)


def procedure_clusters(texts: Sequence[str], labels: Sequence[int]) -> set[int]:
    """Clusters (of ``labels``, one per text) at least ``PROCEDURE_THEME_SHARE`` of whose texts are formulaic.

    A text is formulaic when it is short and holds a formula, or when each of its sentences is
    non-substantive on its own (:func:`category_of`).
    """
    sizes: dict[int, int] = {}
    with_formula: dict[int, int] = {}
    for text, label in zip(texts, labels, strict=True):
        if label < 0:
            continue
        sizes[label] = sizes.get(label, 0) + 1
        with_formula[label] = with_formula.get(label, 0) + formulaic(text)
    return {c for c, n in sizes.items() if with_formula[c] >= PROCEDURE_THEME_SHARE * n}
