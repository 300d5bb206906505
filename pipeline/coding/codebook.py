"""A consultation's ``[[codebook]]`` applied to its passages: learnt where the examples allow, else prototypes."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from pipeline.coding.classifier import MIN_EXAMPLES, CodeFit, Coder, fit_coder
from pipeline.coding.prototypes import assign_codes, prototypes
from pipeline.config import Code

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]


def same_text(text: str) -> str:
    """A text as examples and passages are matched: whitespace runs as one space, ends trimmed."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Passages:
    """The passages being coded: their texts, vectors and (if they answer several) questions."""

    texts: Sequence[str]
    vectors: Matrix
    questions: Sequence[str | None] | None = None
    _rows: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def rows_of(self, text: str) -> list[int]:
        """The passages that say exactly ``text`` (whitespace aside)."""
        if not self._rows and len(self.texts):
            for i, said in enumerate(self.texts):
                self._rows.setdefault(same_text(said), []).append(i)
        return self._rows.get(same_text(text), [])

    def answers(self, text: str) -> set[str | None]:
        """The questions the passages saying ``text`` answer (``{None}`` where questions are not known)."""
        rows = self.rows_of(text)
        return {self.questions[i] for i in rows} if self.questions is not None else {None} if rows else set()


def remembering(encode: Encode, memory: MutableMapping[str, np.ndarray], passages: Passages | None = None) -> Encode:
    """``encode``, but each distinct text is embedded once: a passage's text takes the passage's vector.

    ``memory`` keeps what was embedded (the Coding page keeps it across saves).
    """

    def encode_once(texts: list[str]) -> Matrix:
        keys = [same_text(t) for t in texts]
        for key in keys:
            if key not in memory and passages is not None and (rows := passages.rows_of(key)):
                memory[key] = passages.vectors[rows[0]]
        missing = list(dict.fromkeys(k for k in keys if k not in memory))
        if missing:
            memory.update(zip(missing, encode(missing), strict=True))
        if not keys:
            return encode([])
        return np.stack([memory[k] for k in keys]).astype(np.float32)

    return encode_once


@dataclass(frozen=True)
class Learnt:
    """A coder, how many distinct example texts taught it, and which passages are examples (row → codes)."""

    coder: Coder
    examples: int
    known: dict[int, set[int]]


def code_passages(
    codebook: Sequence[Code], passages: Passages, encode: Encode, threshold: float, margin: float
) -> tuple[list[list[tuple[int, float]]], list[CodeFit]]:
    """Per passage the (code, score) pairs it takes (empty: left for discovery), and how each code is assigned.

    With at least ``MIN_EXAMPLES`` examples for some code, the classifier learns from all the
    codebook's examples (an example listed under several codes has them all), reading the question
    an example answers where it is one of the passages, and the scores are spread over the
    passages' neighbours with the examples among them held at their codes. Otherwise each code is
    its prototype and cosine threshold, passages within ``margin`` of their best code taking it too.
    """
    encode = remembering(encode, {}, passages)
    if not any(len(c.examples) >= MIN_EXAMPLES for c in codebook):
        protos, thresholds = prototypes(codebook, encode, threshold)
        fits = [
            CodeFit(c.name, len(c.examples), "prototype", t, None, None)
            for c, t in zip(codebook, thresholds, strict=True)
        ]
        return assign_codes(passages.vectors, protos, thresholds, margin), fits
    learnt = learn(codebook, encode, threshold, passages)
    asked = list(passages.questions) if passages.questions is not None else None
    return learnt.coder.predict(passages.vectors, asked, known=learnt.known), learnt.coder.fits


def learn(codebook: Sequence[Code], encode: Encode, threshold: float, passages: Passages | None = None) -> Learnt:
    """A coder from the codebook's descriptions and every example it has (classifier where enough).

    An example that is one of ``passages`` brings its question (when its text answers only one)
    and marks those passages as known.
    """
    protos, thresholds = prototypes(codebook, encode, threshold)
    codes_of: dict[str, set[int]] = {}
    for j, code in enumerate(codebook):
        for text in code.examples:
            codes_of.setdefault(same_text(text), set()).add(j)
    texts = list(codes_of)
    vectors = encode(texts) if texts else np.zeros((0, protos.shape[1]), np.float32)
    answers = [passages.answers(t) if passages is not None else set() for t in texts]
    # an example's question, where its text answers only one; those passages are held at its codes
    questions = [next(iter(a)) if len(a) == 1 else None for a in answers]
    names = [c.name for c in codebook]
    known: dict[int, set[int]] = {}
    for text, answered in zip(texts, answers, strict=True):
        if passages is not None and len(answered) == 1:
            known.update({row: set(codes_of[text]) for row in passages.rows_of(text)})
    coder = fit_coder(names, vectors, [codes_of[t] for t in texts], protos, thresholds, _or_none(questions))
    return Learnt(coder, len(texts), known)


def _or_none(questions: list[str | None]) -> list[str | None] | None:
    return questions if any(q is not None for q in questions) else None
