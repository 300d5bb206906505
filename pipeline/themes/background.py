"""The background of a question: words so common in its answers that they tell no theme apart.

In a consultation on AI every answer says "AI"; at a hearing on City of Yes every speaker names
it. Such words neither make a passage substantive ("See attached comments on the CMS request for
information") nor name a theme ("Europe", "Proposal"). A word is background when at least
``share`` of the question's passages use it (and at least ``min_count`` of them).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

WORD = re.compile(r"[^\W\d_][\w'’-]*")
SHARE = 0.05
MIN_COUNT = 5


def background_words(texts: Iterable[str], share: float = SHARE, min_count: int = MIN_COUNT) -> frozenset[str]:
    """Lower-cased words used by at least ``share`` of ``texts`` (and ``min_count`` of them)."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        counts.update({w.lower() for w in WORD.findall(text)})
    floor = max(min_count, share * n)
    return frozenset(w for w, c in counts.items() if c >= floor)
