"""Ingest: source files → responses, answers, document blocks and rejects.

Output frames (columns):
- ``responses``: the ``responses`` table of ``pipeline.schema`` (language and text filled later).
- ``answers``: response_id, source_id, stage, question, text — one row per non-empty free-text
  answer or public transcript turn.
- ``blocks``: source_id, stage, heading, role, position, text — document paragraphs and list items.
- ``rejects``: the ``rejects`` table: every input row not analysed, with the reason.
"""

from pipeline.ingest.base import Ingested, IngestError
from pipeline.ingest.sources import ingest_source

__all__ = ["IngestError", "Ingested", "ingest_source"]
