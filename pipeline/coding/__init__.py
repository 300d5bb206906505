"""Guided coding: responses assigned to the analysts' own codebook, zero or more codes each.

- ``prototypes``: a code as a vector (its description, blended with its examples) and a cosine
  threshold — what a code described in words alone, or with a handful of examples, can do.
- ``classifier``: a code with enough examples is learnt from them (one-vs-rest logistic
  regression on the passage vectors, class-weighted, its threshold chosen by cross-validation,
  with the expected precision and recall that come with it); the others keep their prototypes.
- ``active``: what to offer an analyst next (least sure, plus a few at random for an honest
  estimate of agreement).
"""

from pipeline.coding.active import agreement, to_review
from pipeline.coding.classifier import CodeFit, Coder, fit_coder
from pipeline.coding.prototypes import assign_codes, code_text, prototypes

__all__ = ["CodeFit", "Coder", "agreement", "assign_codes", "code_text", "fit_coder", "prototypes", "to_review"]
