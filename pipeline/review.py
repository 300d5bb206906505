"""Human review: officers confirm or reject links and rename, merge or split themes.

Reviews live per consultation in ``<workspace>/<slug>/review.sqlite`` (SQLite, WAL mode, every
write one ``BEGIN IMMEDIATE`` transaction, so concurrent editors queue rather than interleave).
Each review names its theme by *who is in it* — the theme's member passage ids — not by its id,
because a re-run renumbers themes: a review applies to the theme of the run being shown whose
members overlap the stored ones most, if that Jaccard overlap is at least ``SAME_THEME``;
otherwise it is reported as orphaned and changes nothing. A link review names the document
passage by a hash of its text, which survives re-numbering of document blocks.

``reviewed_view`` applies the active reviews, oldest first, to a run's tables and re-traces the
themes a merge or split changed, so statuses, responsiveness and reports reflect the reviewed
state. Every change is written to the audit log: who, when, what, before and after.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pipeline.breakdowns import breakdowns
from pipeline.overlap import jaccard
from pipeline.responsiveness import responsiveness
from pipeline.schema import PUBLIC_KINDS, answering, conform
from pipeline.store import VECTORS_FILE, read_manifest, read_run_table
from pipeline.trace import TraceSettings, document_stages, split_passages, theme_links, theme_status
from pipeline.trace.process import status_of_record, theme_option_table
from pipeline.trace.signals import action, fold

SAME_THEME = 0.5
KINDS = ("link", "rename", "merge", "split", "outcome", "option", "attribution", "code")
# Reviews of the option trace: keyed by the option's title (ids may change on a re-run); the latest stands.
OPTION_KINDS = ("outcome", "option", "attribution")
# An analyst's codes for a text (guided coding's examples, used by the next analysis); the latest stands.
CODE_KIND = "code"
VERDICTS = ("confirmed", "rejected")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    members TEXT NOT NULL,          -- JSON list of the theme's passage ids when reviewed
    target TEXT NOT NULL DEFAULT '', -- link: hash of the document passage's text
    value TEXT NOT NULL,            -- JSON: the change (label, verdict, merged members, parts)
    active INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    run_id TEXT,
    theme_id TEXT,
    target TEXT,
    before TEXT,
    after TEXT,
    review_id INTEGER
);
"""


class ReviewError(ValueError):
    """A review that cannot be applied as asked (unknown theme or passage, bad arguments)."""


def text_key(text: str) -> str:
    """The identity of a document passage across runs: a hash of its whitespace-normalised text."""
    return hashlib.sha256(re.sub(r"\s+", " ", text.strip().lower()).encode()).hexdigest()[:16]


def default_reviewer() -> str:
    """The reviewer's name when none is given: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Review:
    """One stored review."""

    id: int
    kind: str
    members: frozenset[str]
    target: str
    value: dict[str, Any]
    created_by: str
    created_at: str


class ReviewStore:
    """The review database of one consultation."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def add(
        self,
        kind: str,
        members: set[str],
        value: dict[str, Any],
        who: str,
        *,
        target: str = "",
        run_id: str | None = None,
        theme_id: str | None = None,
        before: Any = None,
    ) -> int:
        """Store a review (superseding an earlier one of the same kind on the same theme and target)."""
        if kind not in KINDS:
            raise ReviewError(f"unknown review kind {kind!r} (one of {', '.join(KINDS)})")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        stored = json.dumps(sorted(members))
        with self._transaction() as db:
            if kind in (*OPTION_KINDS, CODE_KIND):  # an option's outcome, title, a link to it, a text's codes
                db.execute("UPDATE reviews SET active = 0 WHERE active = 1 AND kind = ? AND target = ?", (kind, target))
            if kind in ("link", "rename"):
                for rid, old in db.execute(
                    "SELECT id, members FROM reviews WHERE active = 1 AND kind = ? AND target = ?", (kind, target)
                ).fetchall():
                    if jaccard(set(json.loads(old)), members) >= SAME_THEME:
                        db.execute("UPDATE reviews SET active = 0 WHERE id = ?", (rid,))
            cursor = db.execute(
                "INSERT INTO reviews (kind, members, target, value, created_by, created_at) VALUES (?,?,?,?,?,?)",
                (kind, stored, target, json.dumps(value), who, now),
            )
            review_id = int(cursor.lastrowid or 0)
            db.execute(
                "INSERT INTO audit (at, who, action, run_id, theme_id, target, before, after, review_id)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (now, who, kind, run_id, theme_id, target, json.dumps(before), json.dumps(_brief(value)), review_id),
            )
        return review_id

    def withdraw(self, review_id: int, who: str) -> None:
        """Withdraw a review (it stops applying; the audit log keeps both entries)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            row = db.execute("SELECT kind, value, active FROM reviews WHERE id = ?", (review_id,)).fetchone()
            if row is None or not row[2]:
                raise ReviewError(f"no active review {review_id}")
            db.execute("UPDATE reviews SET active = 0 WHERE id = ?", (review_id,))
            db.execute(
                "INSERT INTO audit (at, who, action, before, after, review_id) VALUES (?,?,?,?,?,?)",
                (now, who, f"withdraw {row[0]}", row[1], json.dumps(None), review_id),
            )

    def active(self) -> list[Review]:
        """Active reviews, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, kind, members, target, value, created_by, created_at FROM reviews"
                " WHERE active = 1 ORDER BY id"
            ).fetchall()
        return [Review(r[0], r[1], frozenset(json.loads(r[2])), r[3], json.loads(r[4]), r[5], r[6]) for r in rows]

    def audit_log(self) -> pl.DataFrame:
        """The audit log, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, at, who, action, run_id, theme_id, target, before, after, review_id FROM audit"
                " ORDER BY id DESC"
            ).fetchall()
        names = ["id", "at", "who", "action", "run_id", "theme_id", "target", "before", "after", "review_id"]
        return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)

    def version(self) -> int:
        """The latest audit id: changes whenever a review is added or withdrawn (a cache key)."""
        with self._connect() as db:
            return int(db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])


def _brief(value: dict[str, Any]) -> dict[str, Any]:
    """What the audit log shows of a change: without snapshots and member lists."""
    return {k: v for k, v in value.items() if k not in ("link", "others")}


@dataclass
class RunView:
    """A run's tables with the reviews applied."""

    tables: dict[str, pl.DataFrame]
    applied: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    restructured: bool = False
    resized: set[str] = field(default_factory=set)  # themes a merge or split made or changed
    # Option id → its title in the run, for options an officer renamed: reviews name options by it.
    run_titles: dict[str, str] = field(default_factory=dict)


def members_of(assignments: pl.DataFrame, theme_id: str) -> set[str]:
    """The passage ids of a theme."""
    return set(assignments.filter(pl.col("theme_id") == theme_id)["passage_id"].to_list())


def match_theme(assignments: pl.DataFrame, members: frozenset[str] | set[str]) -> str | None:
    """The theme whose members overlap ``members`` most, if the Jaccard overlap is ≥ ``SAME_THEME``."""
    overlap = (
        assignments.filter(pl.col("passage_id").is_in(list(members)))
        .group_by("theme_id")
        .len()
        .join(assignments.group_by("theme_id").len().rename({"len": "size"}), on="theme_id")
        .with_columns(j=pl.col("len") / (pl.col("size") + len(members) - pl.col("len")))
        .sort(["j", "theme_id"], descending=[True, False])
    )
    if overlap.is_empty() or overlap["j"][0] < SAME_THEME:
        return None
    return str(overlap["theme_id"][0])


def reviewed_view(
    tables: dict[str, pl.DataFrame], vectors: np.ndarray | None, reviews: list[Review], settings: TraceSettings
) -> RunView:
    """``tables`` (themes, assignments, quotes, links, theme_status, passages, responses) with reviews applied."""
    view = RunView(dict(tables))
    link_reviews: list[tuple[Review, str]] = []
    # Outcomes and links to options name the option by its title in the run: applied before any rename.
    ordered = sorted(reviews, key=lambda r: r.kind == "option")
    retraced = False
    for review in ordered:
        if review.kind == CODE_KIND:  # examples for the next analysis's codebook, not a change to this run
            continue
        if review.kind in OPTION_KINDS:
            apply = {"outcome": _correct_outcome, "option": _review_option, "attribution": _review_attribution}
            ok = apply[review.kind](view, review)
            (view.applied if ok else view.orphaned).append(review.id)
            retraced |= ok and review.kind != "outcome"
            continue
        theme_id = match_theme(view.tables["assignments"], review.members)
        if theme_id is None:
            view.orphaned.append(review.id)
            continue
        if review.kind == "rename":
            _rename(view, theme_id, str(review.value["label"]))
        elif review.kind == "merge":
            others = [match_theme(view.tables["assignments"], set(m)) for m in review.value["others"]]
            found = [t for t in others if t is not None and t != theme_id]
            if not found:
                view.orphaned.append(review.id)
                continue
            _merge(view, theme_id, found, review.value.get("label"))
        elif review.kind == "split":
            if vectors is None:
                view.orphaned.append(review.id)
                continue
            _split(view, theme_id, int(review.value.get("parts", 2)), vectors)
        else:
            link_reviews.append((review, theme_id))
            continue
        view.applied.append(review.id)
    if view.restructured and vectors is not None:
        _retrace(view, vectors, settings)
    if view.restructured and "breakdowns" in view.tables:
        _rebreak(view)
    links = view.tables["links"]
    for review, _ in link_reviews:
        theme_id = match_theme(view.tables["assignments"], review.members)
        if theme_id is None:
            view.orphaned.append(review.id)
            continue
        links, ok = _review_link(links, theme_id, review)
        (view.applied if ok else view.orphaned).append(review.id)
    view.tables["links"] = links
    if (view.restructured or retraced) and not view.tables.get("options", pl.DataFrame()).is_empty():
        view.tables["theme_options"] = theme_option_table(view.tables)
    if view.applied:
        by_links = theme_status(
            view.tables["themes"], links, settings.link_threshold, stages=document_stages(view.tables["passages"])
        )
        view.tables["theme_status"] = status_of_record(view.tables, by_links)
    return view


def option_key(title: str) -> str:
    """What an outcome review names its option by: its title, folded (option ids may change on a re-run)."""
    return text_key(" ".join(fold(title).split()))


def _correct_outcome(view: RunView, review: Review) -> bool:
    """Apply an officer's outcome for an option (matched by its title); False when no option has that title."""
    outcomes = view.tables.get("option_outcomes")
    chosen = _option_of(view, review.target.split("|")[0], review.value.get("option_id"))
    if outcomes is None or chosen is None:
        return False
    here = pl.col("option_id") == chosen
    silent = review.value["outcome"] == "not mentioned"  # no deciding passage to quote any more
    view.tables["option_outcomes"] = outcomes.with_columns(
        outcome=pl.when(here).then(pl.lit(str(review.value["outcome"]))).otherwise("outcome"),
        reason=pl.when(here).then(pl.lit(review.value.get("reason"), pl.String())).otherwise("reason"),
        method=pl.when(here).then(pl.lit(f"review by {review.created_by}")).otherwise("method"),
        passage_id=pl.when(here & silent).then(pl.lit(None, pl.String())).otherwise("passage_id"),
        evidence=pl.when(here & silent).then(pl.lit(None, pl.String())).otherwise("evidence"),
    )
    return True


def _option_of(view: RunView, key: str, option_id: str | None) -> str | None:
    """The option whose folded title is ``key`` (the one with ``option_id`` when several share it)."""
    options = view.tables.get("options")
    if options is None:
        return None
    ids = [o for o, t in options.select("option_id", "title").iter_rows() if option_key(t) == key]
    return option_id if option_id in ids else (ids[0] if ids else None)


def _review_option(view: RunView, review: Review) -> bool:
    """Rename an option, or remove one that is not an option (with every link to it and its outcome)."""
    option = _option_of(view, review.target.split("|")[0], review.value.get("option_id"))
    if option is None:
        return False
    if review.value.get("action") == "remove":
        for name in ("options", "option_outcomes", "response_options", "passage_options"):
            if name in view.tables:
                view.tables[name] = view.tables[name].filter(pl.col("option_id") != option)
    else:
        old = view.tables["options"].filter(pl.col("option_id") == option)["title"][0]
        view.run_titles.setdefault(option, str(old))
        view.tables["options"] = view.tables["options"].with_columns(
            title=pl.when(pl.col("option_id") == option).then(pl.lit(str(review.value["title"]))).otherwise("title")
        )
    return True


def _review_attribution(view: RunView, review: Review) -> bool:
    """Confirm or reject that a response addresses an option."""
    response = str(review.value["response_id"])
    option = _option_of(view, review.target.split("|")[1], review.value.get("option_id"))
    responses = view.tables.get("response_options")
    if option is None or responses is None or response not in set(view.tables["responses"]["response_id"]):
        return False
    pair = (pl.col("response_id") == response) & (pl.col("option_id") == option)
    if review.value["verdict"] == "rejected":
        view.tables["response_options"] = responses.filter(~pair)
        view.tables["passage_options"] = view.tables["passage_options"].filter(~pair)
        return True
    row = {**dict.fromkeys(responses.columns), "response_id": response, "option_id": option, "score": 1.0}
    kept = responses.filter(pair)
    if kept.height:
        row |= {k: kept[k][0] for k in ("passage_id", "evidence", "stance")}
    row["method"] = "review"  # the officer's word is the strongest evidence, for the whole response
    view.tables["response_options"] = pl.concat([responses.filter(~pair), pl.DataFrame([row], schema=responses.schema)])
    return True


def _rename(view: RunView, theme_id: str, label: str) -> None:
    view.tables["themes"] = view.tables["themes"].with_columns(
        label=pl.when(pl.col("theme_id") == theme_id).then(pl.lit(label)).otherwise(pl.col("label"))
    )


def _respondents(view: RunView) -> pl.DataFrame:
    return view.tables["responses"].select("response_id", "respondent_id", "weight")


def _resize(view: RunView, changed: list[str]) -> None:
    """Recount the respondents, weight and passages of ``changed`` themes (share over all respondents)."""
    from pipeline.themes.tables import theme_sizes  # imports spaCy (for labels): only needed here

    themes, assignments = view.tables["themes"], view.tables["assignments"]
    people = answering(_respondents(view), view.tables["passages"])
    sizes = theme_sizes(assignments.filter(pl.col("theme_id").is_in(changed)), people)
    view.resized.update(changed)
    kept = themes.filter(~pl.col("theme_id").is_in(changed))
    updated = (
        themes.filter(pl.col("theme_id").is_in(changed))
        .drop("n_respondents", "n_represented", "n_passages", "share")
        .join(sizes, on="theme_id", how="inner")
    )
    view.tables["themes"] = conform(
        pl.concat([kept, conform(updated, "themes")]).sort(["n_respondents", "theme_id"], descending=[True, False]),
        "themes",
    )


def _rebreak(view: RunView) -> None:
    """Recompute the breakdowns of the themes a merge or split changed; the others keep their rows.

    A theme's cells depend only on its own members and on everyone's groups, so the rest stand.
    """
    from models.sentiment import sentiment_scores  # VADER: only needed once themes change

    tables = view.tables
    current = set(tables["themes"]["theme_id"].to_list())
    changed = sorted(view.resized & current)
    public = tables["passages"].filter(pl.col("kind").is_in(PUBLIC_KINDS))
    people = answering(tables["responses"], public)
    mine = tables["assignments"].filter(pl.col("theme_id").is_in(changed))
    texts = public.filter(pl.col("passage_id").is_in(mine["passage_id"].unique().to_list()))
    if not tables.get("tone", pl.DataFrame()).is_empty():  # the run's own tone (learnt or VADER); older runs: none
        scores = tables["tone"].filter(pl.col("passage_id").is_in(texts["passage_id"].to_list()))
        scores = scores.select("passage_id", "sentiment")
    else:
        scores = pl.DataFrame(
            {"passage_id": texts["passage_id"], "sentiment": sentiment_scores(texts["text"].to_list())},
            schema={"passage_id": pl.String(), "sentiment": pl.Float64()},
        )
    fresh = breakdowns(mine, people, public.select("passage_id", "response_id", "question"), scores)
    kept = tables["breakdowns"].filter(pl.col("theme_id").is_in(sorted(current - set(changed))))
    tables["breakdowns"] = pl.concat([kept, fresh]).sort("theme_id", maintain_order=True)


def _merge(view: RunView, theme_id: str, others: list[str], label: str | None) -> None:
    everyone = [theme_id, *others]
    assignments = view.tables["assignments"]
    merged = (
        assignments.with_columns(
            theme_id=pl.when(pl.col("theme_id").is_in(others)).then(pl.lit(theme_id)).otherwise(pl.col("theme_id"))
        )
        .sort("score", descending=True)
        .unique(["passage_id", "theme_id"], keep="first", maintain_order=True)
        .sort("theme_id", "passage_id")
    )
    themes = view.tables["themes"]
    rows = themes.filter(pl.col("theme_id").is_in(everyone))
    weights = rows["n_respondents"].cast(pl.Float64)
    keywords = list(dict.fromkeys(k for ks in rows["keywords"].to_list() for k in ks))[:10]
    view.tables["assignments"] = merged
    view.tables["themes"] = themes.filter(~pl.col("theme_id").is_in(others)).with_columns(
        label=pl.when(pl.col("theme_id") == theme_id).then(pl.lit(label or rows["label"][0])).otherwise("label"),
        keywords=pl.when(pl.col("theme_id") == theme_id).then(pl.lit(keywords)).otherwise("keywords"),
        sentiment=pl.when(pl.col("theme_id") == theme_id)
        .then(pl.lit(_weighted(rows["sentiment"], weights)))
        .otherwise("sentiment"),
        share_negative=pl.when(pl.col("theme_id") == theme_id)
        .then(pl.lit(_weighted(rows["share_negative"], weights)))
        .otherwise("share_negative"),
    )
    quotes = view.tables["quotes"]
    view.tables["quotes"] = _renumber(
        quotes.with_columns(
            theme_id=pl.when(pl.col("theme_id").is_in(others)).then(pl.lit(theme_id)).otherwise("theme_id")
        )
    )
    _resize(view, [theme_id])
    view.restructured = True


def _weighted(values: pl.Series, weights: pl.Series) -> float | None:
    pairs = [(v, w) for v, w in zip(values.to_list(), weights.to_list(), strict=True) if v is not None]
    total = sum(w for _, w in pairs)
    return round(sum(v * w for v, w in pairs) / total, 4) if total else None


def _renumber(quotes: pl.DataFrame) -> pl.DataFrame:
    return (
        quotes.sort("theme_id", "rank")
        .unique(["theme_id", "response_id"], keep="first", maintain_order=True)
        .with_columns(rank=pl.int_range(1, pl.len() + 1).over("theme_id").cast(pl.Int64))
    )


def _split(view: RunView, theme_id: str, parts: int, vectors: np.ndarray) -> None:
    """Split a theme into ``parts`` by k-means over its passages' vectors (seeded: same split every time)."""
    passages = view.tables["passages"]
    row_of = {pid: i for i, pid in enumerate(passages["passage_id"])}
    assignments = view.tables["assignments"]
    mine = assignments.filter(pl.col("theme_id") == theme_id)
    distinct = sorted(set(mine["passage_id"]))
    if parts < 2 or len(distinct) < 2 * parts:
        raise ReviewError(f"theme {theme_id} has {len(distinct)} passages: too few to split into {parts}")
    from sklearn.cluster import KMeans  # only a split needs it; keeps the dashboard's imports light

    chosen = KMeans(n_clusters=parts, random_state=0, n_init=10).fit_predict(vectors[[row_of[p] for p in distinct]])
    # parts numbered by size, largest first, so the ids are the same every time
    found, counts = np.unique(chosen, return_counts=True)
    ranked = sorted(zip(found.tolist(), counts.tolist(), strict=True), key=lambda fc: (-fc[1], fc[0]))
    order = {c: i for i, (c, _) in enumerate(ranked)}
    part_of = {p: f"{theme_id}.{order[int(c)] + 1}" for p, c in zip(distinct, chosen, strict=True)}
    new_ids = sorted(set(part_of.values()))
    view.tables["assignments"] = assignments.with_columns(
        theme_id=pl.when(pl.col("theme_id") == theme_id)
        .then(pl.col("passage_id").replace_strict(part_of, default=None))
        .otherwise(pl.col("theme_id"))
    ).sort("theme_id", "passage_id")
    themes = view.tables["themes"]
    original = themes.filter(pl.col("theme_id") == theme_id)
    label = original["label"][0]
    copies = [
        original.with_columns(theme_id=pl.lit(new), label=pl.lit(f"{label} ({new.rsplit('.', 1)[1]} of {parts})"))
        for new in new_ids
    ]
    view.tables["themes"] = pl.concat([themes.filter(pl.col("theme_id") != theme_id), *copies])
    quotes = view.tables["quotes"]
    view.tables["quotes"] = _renumber(
        quotes.with_columns(
            theme_id=pl.when(pl.col("theme_id") == theme_id)
            .then(pl.col("passage_id").replace_strict(part_of, default=None))
            .otherwise("theme_id")
        ).drop_nulls("theme_id")
    )
    _resize(view, new_ids)
    view.restructured = True


def _retrace(view: RunView, vectors: np.ndarray, settings: TraceSettings) -> None:
    public, public_vectors, documents, document_vectors = split_passages(view.tables["passages"], vectors)
    view.tables["links"] = theme_links(
        view.tables["assignments"], public, public_vectors, documents, document_vectors, settings
    )


def _review_link(links: pl.DataFrame, theme_id: str, review: Review) -> tuple[pl.DataFrame, bool]:
    verdict = str(review.value["verdict"])
    keys = pl.Series([text_key(t) for t in links["text"].to_list()], dtype=pl.String())
    here = (links["theme_id"] == theme_id) & (keys == review.target)
    if here.any():
        return links.with_columns(review=pl.when(here).then(pl.lit(verdict)).otherwise(pl.col("review"))), True
    snapshot = review.value.get("link")
    if verdict != "confirmed" or not snapshot:
        return links, False
    row = {**snapshot, "theme_id": theme_id, "review": verdict, "linked": False}
    return pl.concat([links, conform(pl.DataFrame([row], schema=links.schema), "links")]), True


RUN_TABLES = (
    "themes",
    "assignments",
    "quotes",
    "links",
    "theme_status",
    "passages",
    "responses",
    "theme_groups",
    "breakdowns",
    "options",
    "option_outcomes",
    "response_options",
    "theme_options",
    "passage_options",
    "tone",
)


REVIEW_FILE = "review.sqlite"


def store_for(run: Path) -> ReviewStore:
    """The review store of the consultation a run folder belongs to (``<workspace>/<slug>/review.sqlite``)."""
    return ReviewStore(run.parent.parent / REVIEW_FILE)


def settings_of(manifest: dict[str, Any]) -> TraceSettings:
    """The trace settings a run used, from its manifest (defaults for older runs)."""
    analysis = manifest.get("config", {}).get("resolved", {}).get("analysis", {})
    names = TraceSettings.__dataclass_fields__
    given: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in analysis.items() if k in names}
    return TraceSettings(**given)


def open_run(run: Path, store: ReviewStore | None = None) -> RunView:
    """A run's tables with the consultation's reviews applied, and responsiveness recomputed."""
    return open_folder(run, store if store is not None else store_for(run), settings_of(read_manifest(run)))


def open_folder(folder: Path, store: ReviewStore | None, settings: TraceSettings) -> RunView:
    """The tables in a run (or staging) folder with ``store``'s reviews applied (none without a store)."""
    tables = {name: read_run_table(folder, name) for name in RUN_TABLES}
    vectors_path = folder / VECTORS_FILE
    vectors = np.load(vectors_path) if vectors_path.is_file() else None
    view = reviewed_view(tables, vectors, store.active() if store else [], settings)
    respondents = answering(view.tables["responses"], view.tables["passages"])
    view.tables["responsiveness"] = responsiveness(view.tables["assignments"], view.tables["theme_status"], respondents)
    return view


def _theme_members(view: RunView, theme_id: str) -> set[str]:
    members = members_of(view.tables["assignments"], theme_id)
    if not members:
        known = ", ".join(view.tables["themes"]["theme_id"].to_list())
        raise ReviewError(f"no theme {theme_id!r} in this run (themes: {known})")
    return members


def record_link(
    store: ReviewStore, view: RunView, theme_id: str, passage_id: str, verdict: str, who: str, run_id: str
) -> int:
    """Confirm or reject the link between a theme and a document passage."""
    if verdict not in VERDICTS:
        raise ReviewError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    members = _theme_members(view, theme_id)
    links = view.tables["links"].filter((pl.col("theme_id") == theme_id) & (pl.col("passage_id") == passage_id))
    if links.is_empty():
        passages = view.tables["passages"].filter((pl.col("passage_id") == passage_id) & (pl.col("kind") == "section"))
        if passages.is_empty():
            raise ReviewError(f"no document passage {passage_id!r} in this run")
        row = dict.fromkeys(view.tables["links"].columns) | {
            k: passages[k][0] for k in ("stage", "passage_id", "source_id", "heading", "role", "text")
        }
        row |= {"method": "review", "action": action(str(row["text"]), row["role"]), "agreement": "notes"}
    else:
        row = links.row(0, named=True)
    before = row.get("review") or ("linked" if row.get("linked") else "not linked")
    snapshot = {k: v for k, v in row.items() if k not in ("theme_id", "review")}
    return store.add(
        "link",
        members,
        {"verdict": verdict, "passage_id": passage_id, "link": snapshot},
        who,
        target=text_key(str(row["text"])),
        run_id=run_id,
        theme_id=theme_id,
        before=before,
    )


def record_outcome(
    store: ReviewStore, view: RunView, option_id: str, outcome: str, reason: str | None, who: str, run_id: str
) -> int:
    """Correct what the decision did with an option (approved, approved with changes, rejected, deferred, not mentioned)."""
    from pipeline.trace.outcomes import OUTCOMES

    if outcome not in OUTCOMES:
        raise ReviewError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    title = _option_title(view, option_id)
    outcomes = view.tables["option_outcomes"].filter(pl.col("option_id") == option_id)
    before = outcomes["outcome"][0] if outcomes.height else None
    value = {"outcome": outcome, "reason": " ".join((reason or "").split()) or None, "option_id": option_id}
    return store.add("outcome", set(), value, who, target=option_key(title), run_id=run_id, before=before)


def _option_title(view: RunView, option_id: str) -> str:
    """The option's title in the run (before any rename): what reviews name it by."""
    options = view.tables.get("options")
    titles = {} if options is None else dict(options.select("option_id", "title").iter_rows())
    if option_id not in titles:
        raise ReviewError(f"no option {option_id!r} in this run (options: {', '.join(titles) or 'none'})")
    return view.run_titles.get(option_id, str(titles[option_id]))


def record_option(
    store: ReviewStore,
    view: RunView,
    option_id: str,
    who: str,
    run_id: str,
    *,
    title: str | None = None,
    remove: bool = False,
) -> int:
    """Correct the options list: rename an option (``title``) or remove one that is not an option."""
    if remove == bool(title and title.strip()):
        raise ReviewError("give either a new title or remove, not both or neither")
    old = _option_title(view, option_id)
    value: dict[str, Any] = (
        {"action": "remove"} if remove else {"action": "rename", "title": " ".join(str(title).split())}
    )
    value["option_id"] = option_id
    return store.add("option", set(), value, who, target=option_key(old), run_id=run_id, before=old)


def record_attribution(
    store: ReviewStore, view: RunView, response_id: str, option_id: str, verdict: str, who: str, run_id: str
) -> int:
    """Confirm or reject that a response addresses an option (the theme × option table and statuses follow)."""
    if verdict not in VERDICTS:
        raise ReviewError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    title = _option_title(view, option_id)
    if response_id not in set(view.tables["responses"]["response_id"]):
        raise ReviewError(f"no response {response_id!r} in this run")
    found = view.tables["response_options"].filter(
        (pl.col("response_id") == response_id) & (pl.col("option_id") == option_id)
    )
    before = f"linked by {found['method'][0]}" if found.height else "not linked"
    value = {"verdict": verdict, "response_id": response_id, "option_id": option_id}
    target = f"{response_id}|{option_key(title)}"
    return store.add("attribution", set(), value, who, target=target, run_id=run_id, before=before)


def record_codes(
    store: ReviewStore,
    text: str,
    codes: Sequence[str] | None,
    who: str,
    run_id: str | None = None,
    *,
    predicted: Sequence[str] | None = None,
    at_random: bool = False,
    tone: float | None = None,
) -> int:
    """An analyst's codes (and tone score) for a text: an example for the next analysis (the latest for a text stands).

    From the coding page, ``predicted`` keeps what the model said and ``at_random`` whether the
    text was offered at random — those measure how far the model agrees with the analyst.
    ``tone``: the analyst's tone score on their own scale; with enough of them the next analysis
    learns the tone instead of using the lexicon. ``codes`` None (a tone given alone) keeps the
    text's earlier codes, and a tone not given keeps its earlier tone.
    """
    text = " ".join(text.split())
    if not text:
        raise ReviewError("a coded example needs its text")
    earlier = next(
        (r.value for r in reversed(store.active()) if r.kind == CODE_KIND and r.value.get("text") == text), {}
    )
    kept = codes if codes is not None else earlier.get("codes", [])
    value: dict[str, Any] = {"text": text, "codes": sorted(set(kept))}
    tone = tone if tone is not None else earlier.get("tone")
    if tone is not None:
        value["tone"] = float(tone)
    if predicted is not None:
        value |= {"predicted": sorted(set(predicted)), "at_random": at_random}
    before = sorted(set(predicted)) if predicted is not None else None
    return store.add(CODE_KIND, set(), value, who, target=text_key(text), run_id=run_id, before=before)


def coding_agreement(store: ReviewStore) -> list[bool]:
    """For each text offered at random on the coding page, oldest first: did the model's codes match the analyst's?"""
    return [
        r.value["predicted"] == r.value["codes"]
        for r in store.active()
        if r.kind == CODE_KIND and r.value.get("at_random")
    ]


def coded_examples(store: ReviewStore) -> list[tuple[str, list[str]]]:
    """The texts analysts coded (``record_codes``) and their codes, oldest first."""
    return [(str(r.value["text"]), list(r.value["codes"])) for r in store.active() if r.kind == CODE_KIND]


def toned_examples(store: ReviewStore) -> list[tuple[str, float]]:
    """The texts analysts gave a tone score (``record_codes(..., tone=…)``) and the score, oldest first."""
    return [
        (str(r.value["text"]), float(r.value["tone"]))
        for r in store.active()
        if r.kind == CODE_KIND and r.value.get("tone") is not None
    ]


def record_rename(store: ReviewStore, view: RunView, theme_id: str, label: str, who: str, run_id: str) -> int:
    """Rename a theme."""
    label = " ".join(label.split())
    if not label:
        raise ReviewError("a theme's new name cannot be empty")
    members = _theme_members(view, theme_id)
    before = view.tables["themes"].filter(pl.col("theme_id") == theme_id)["label"][0]
    return store.add("rename", members, {"label": label}, who, run_id=run_id, theme_id=theme_id, before=before)


def record_merge(
    store: ReviewStore, view: RunView, theme_id: str, others: list[str], who: str, run_id: str, label: str | None = None
) -> int:
    """Merge ``others`` into ``theme_id`` (keeping its id and, unless ``label`` is given, its name)."""
    if not others or theme_id in others:
        raise ReviewError("name one or more other themes to merge into this one")
    members = _theme_members(view, theme_id)
    value = {"others": [sorted(_theme_members(view, t)) for t in others], "label": label, "theme_ids": others}
    return store.add("merge", members, value, who, run_id=run_id, theme_id=theme_id, before=[theme_id, *others])


def record_split(store: ReviewStore, view: RunView, theme_id: str, parts: int, who: str, run_id: str) -> int:
    """Split a theme into ``parts`` by its passages' meaning (k-means)."""
    if not 2 <= parts <= 10:
        raise ReviewError("a theme can be split into 2 to 10 parts")
    members = _theme_members(view, theme_id)
    if len(members) < 2 * parts:
        raise ReviewError(f"theme {theme_id} has {len(members)} passages: too few to split into {parts}")
    return store.add("split", members, {"parts": parts}, who, run_id=run_id, theme_id=theme_id, before=theme_id)
