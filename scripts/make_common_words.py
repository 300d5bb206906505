"""Write models/data/common_words.tsv from spaCy's lexeme probabilities (see models.pii_rules)."""

from __future__ import annotations

from models.pii_rules import COMMON_WORDS, common_words_from_lookups


def main() -> None:
    """Write the words, most common first, one ``word<TAB>log probability`` a line."""
    words = sorted(common_words_from_lookups().items(), key=lambda item: (-item[1], item[0]))
    COMMON_WORDS.parent.mkdir(parents=True, exist_ok=True)
    COMMON_WORDS.write_text("".join(f"{w}\t{p!r}\n" for w, p in words), encoding="utf-8")


if __name__ == "__main__":
    main()
