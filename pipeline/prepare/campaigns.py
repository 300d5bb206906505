"""Campaigns and duplicates: near-identical responses grouped with MinHash LSH.

Input: ``responses`` (redacted text, ``weight``, ``submitted``). Output: the ``campaigns`` table —
one row per group of near-identical survey responses (Jaccard similarity of word 3-shingles at
least ``threshold``, default 0.8), or per single response that stands for several submissions
(regulations.gov ``Duplicate Comments``) — and ``responses`` with ``campaign_id`` filled for
members. A group of at least ``min_campaign`` members is a ``campaign``; smaller ones are
``duplicates``. Answers shorter than ``MIN_WORDS`` words are never grouped: two people writing
"More buses" are two voices, not a campaign.
"""

from __future__ import annotations

import re

import polars as pl
from datasketch import MinHash, MinHashLSH

from pipeline.overlap import jaccard
from pipeline.schema import conform, empty

SHINGLE = 3
MIN_WORDS = 10
NUM_PERM = 128
CANDIDATE_SLACK = 0.15


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Word k-grams of a text, lower-cased, punctuation ignored."""
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def _minhash(items: set[str]) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, seed=1)
    for item in sorted(items):
        signature.update(item.encode("utf-8"))
    return signature


def near_duplicate_groups(ids: list[str], texts: list[str], threshold: float) -> list[list[str]]:
    """Groups (two or more ids) whose texts are near-identical, largest first, members in input order."""
    sets = {i: shingles(t) for i, t in zip(ids, texts, strict=True) if len(t.split()) >= MIN_WORDS}
    # LSH banding misses some pairs just above its threshold: gather candidates at a lower one and
    # keep only pairs whose exact Jaccard reaches ``threshold``.
    lsh = MinHashLSH(threshold=max(0.1, threshold - CANDIDATE_SLACK), num_perm=NUM_PERM)
    signatures = {i: _minhash(s) for i, s in sets.items()}
    parent = {i: i for i in sets}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for ident, signature in signatures.items():
        for other in lsh.query(signature):
            if jaccard(sets[ident], sets[other]) >= threshold:  # LSH is approximate: verify
                parent[root(ident)] = root(other)
        lsh.insert(ident, signature)
    groups: dict[str, list[str]] = {}
    for ident in ids:
        if ident in parent:
            groups.setdefault(root(ident), []).append(ident)
    found = [g for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: (-len(g), ids.index(g[0])))


def campaigns(
    responses: pl.DataFrame, threshold: float = 0.8, min_campaign: int = 5
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``campaigns`` table and ``responses`` with ``campaign_id`` for members."""
    survey = responses.filter(pl.col("channel") == "survey").drop_nulls("text")
    groups = near_duplicate_groups(survey["response_id"].to_list(), survey["text"].to_list(), threshold)
    grouped = {m for g in groups for m in g}
    counted = survey.filter((pl.col("weight") > 1) & ~pl.col("response_id").is_in(list(grouped)))
    members = [
        (f"C{n:03d}", ident)
        for n, group in enumerate([*groups, *([r] for r in counted["response_id"])], 1)
        for ident in group
    ]
    if not members:
        return empty("campaigns"), responses.with_columns(campaign_id=pl.lit(None, pl.String()))  # no groups
    membership = pl.DataFrame(members, schema={"campaign_id": pl.String(), "response_id": pl.String()}, orient="row")
    table = (
        membership.join(responses.select("response_id", "text", "weight", "submitted"), on="response_id")
        .group_by("campaign_id", maintain_order=True)
        .agg(
            canonical_response_id=pl.col("response_id").first(),
            canonical_text=pl.col("text").first(),
            n_members=pl.len(),
            represented=pl.col("weight").sum(),
            member_ids=pl.col("response_id"),
            first_seen=pl.col("submitted").min(),
            last_seen=pl.col("submitted").max(),
        )
        .with_columns(
            kind=pl.when(pl.col("n_members") >= min_campaign)
            .then(pl.lit("campaign"))
            .when(pl.col("n_members") > 1)
            .then(pl.lit("duplicates"))
            .otherwise(pl.lit("duplicate count"))
        )
    )
    tagged = responses.drop("campaign_id", strict=False).join(membership, on="response_id", how="left")
    return conform(table, "campaigns"), tagged


def group_maps(table: pl.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Member → representative (other members only) and member → campaign id, for groups of 2+."""
    groups = table.filter(pl.col("n_members") > 1)
    members = list(
        zip(groups["campaign_id"], groups["canonical_response_id"], groups["member_ids"].to_list(), strict=True)
    )
    canonical_of = {m: rep for _, rep, ms in members for m in ms if m != rep}
    campaign_of = {m: cid for cid, _, ms in members for m in ms}
    return canonical_of, campaign_of
