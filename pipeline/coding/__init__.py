"""Guided coding: responses assigned to the analysts' own codebook, zero or more codes each.

- ``prototypes``: a code as a vector (its description, blended with its examples) and a cosine
  threshold — what a code described in words alone, or with a handful of examples, can do.
- ``classifier``: a code with enough examples is learnt from them (one-vs-rest logistic
  regression on the passage vectors and the question, class-weighted, blended with its
  prototype, with the expected precision and recall from cross-validation); the others keep
  their prototypes.
- ``neighbours``: the scores spread over each passage's nearest passages (label spreading),
  the examples among them held at their codes.
- ``active``: what to offer an analyst next (least sure, plus a few at random for an honest
  estimate of agreement).
"""

from pipeline.coding.active import agreement, agreement_interval, to_review
from pipeline.coding.classifier import CodeFit, Coder, fit_coder
from pipeline.coding.prototypes import assign_codes, code_text, prototypes

__all__ = [
    "CodeFit",
    "Coder",
    "agreement",
    "agreement_interval",
    "assign_codes",
    "code_text",
    "fit_coder",
    "prototypes",
    "to_review",
]
