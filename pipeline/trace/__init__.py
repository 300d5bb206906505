"""The trace through the policy cycle: what the public said → the options → what was decided, and why.

One module per concern:

- ``options``: the options documents parsed into options (id, title, text);
- ``attribution``: which options each response addresses (relative similarity, specific words,
  mentions, a column naming the option), with the evidence for each link;
- ``outcomes``: what the decision did with each option (approved, with changes, rejected,
  deferred, not mentioned) and the stated reason;
- ``status``: each theme's options (theme × option) and its status from their outcomes;
- ``links``: theme → document passage links (semantic, carry-over, references) and the
  link-based status used when a process has no parsable options;
- ``signals``: the plain-text signals (carry-over, option numbers, decision wording, stance);
- ``evaluate``: scoring against gold links.
"""

from pipeline.trace.links import (
    NO_DECISION,
    NO_DOCUMENTS,
    TraceSettings,
    counts,
    document_stages,
    split_passages,
    status_counts,
    theme_links,
    theme_status,
    trace_gap,
)

__all__ = [
    "NO_DECISION",
    "NO_DOCUMENTS",
    "TraceSettings",
    "counts",
    "document_stages",
    "split_passages",
    "status_counts",
    "theme_links",
    "theme_status",
    "trace_gap",
]
