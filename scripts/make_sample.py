"""Write the bundled sample consultation under examples/harbourside-transport/.

Run ``python scripts/make_sample.py``; the output is deterministic (seeded) and committed.
"""

from __future__ import annotations

import csv
import random
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).parent))
from sample_text import (
    CAMPAIGN_BASE,
    CAMPAIGN_EDITS,
    DECISION_NOTICE,
    LONG_ANSWERS,
    OFF_TOPIC,
    OPTIONS_PAPER,
    OTHER_LANGUAGES,
    PII_RESPONSES,
    SHORT_ANSWERS,
    THEMES,
    TRANSCRIPT,
)

OUT = Path(__file__).resolve().parent.parent / "examples" / "harbourside-transport"
WEIGHTS = {
    "parking_charges": 44,
    "buses": 40,
    "cycle_lanes": 36,
    "pavements_access": 34,
    "residents_permits": 26,
    "school_streets": 24,
    "speeding_20mph": 22,
    "park_and_ride": 19,
    "toilets_seating": 17,
    "market_square": 9,
}
STATUS = {
    "parking_charges": "adopted",
    "cycle_lanes": "adopted",
    "buses": "adopted",
    "pavements_access": "adopted",
    "market_square": "adopted",
    "residents_permits": "considered",
    "school_streets": "considered",
    "park_and_ride": "not taken up",
    "speeding_20mph": "not taken up",
    "toilets_seating": "not taken up",
}
LABELS = {
    "parking_charges": "Cost of parking and the high street",
    "cycle_lanes": "Safe, segregated cycle routes",
    "buses": "Bus frequency, evening and Sunday services",
    "pavements_access": "Pavements and access for disabled people",
    "residents_permits": "Commuter parking and residents' permits",
    "school_streets": "Traffic and air quality outside schools",
    "park_and_ride": "Park and ride for visitors",
    "speeding_20mph": "Speeding and 20 mph limits",
    "toilets_seating": "Public toilets and seating",
    "market_square": "Keep the Market Square car park",
}
WARDS = ["Harbour", "Northfield", "Eastcliff", "Old Town", "Westgate"]
AGES = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+", "Prefer not to say"]
TYPES = ["Resident"] * 12 + ["Business"] * 2 + ["Visitor", "Organisation"]
MODES = ["Car", "Car", "Car", "Bus", "Walk", "Walk", "Bicycle", "Other"]
SUPPORT = ["Strongly support", "Support", "Neither", "Oppose", "Strongly oppose", ""]
OPENERS = ["", "", "", "", "Honestly, ", "For me, ", "I think ", "Personally ", "Mainly that ", "Well, ", "In my view "]


def typo(text: str, rng: random.Random) -> str:
    """Swap two adjacent letters in one word, as hurried typists do."""
    words = text.split(" ")
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 4 and w.isalpha():
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def voice(sentences: list[str], rng: random.Random, *, opener: bool = True) -> str:
    """Join sentences in a respondent's own style: opener, case, typos, punctuation."""
    text = " ".join(sentences)
    opener = rng.choice(OPENERS) if opener else ""
    if opener:
        text = opener + text[0].lower() + text[1:]
    roll = rng.random()
    if roll < 0.12:
        text = text.lower()
    elif roll < 0.16:
        text = text.rstrip(".") + "!!"
    if rng.random() < 0.25:
        text = typo(text, rng)
    if rng.random() < 0.15:
        text = text.rstrip(".")
    return text


def pick(pool: list[str], rng: random.Random, k: int) -> list[str]:
    return rng.sample(pool, min(k, len(pool)))


def ordinary(theme: str, second: str | None, rng: random.Random) -> tuple[str, str]:
    pools = THEMES[theme]
    q2 = pick(pools["problem"], rng, rng.choice([1, 1, 2]))
    q4 = pick(pools["suggestion"], rng, rng.choice([1, 1, 2]))
    if second:
        (q2 if rng.random() < 0.5 else q4).append(rng.choice(THEMES[second]["suggestion"]))
    answers = [voice(q2, rng), voice(q4, rng, opener=False)]
    blank = rng.random()
    if blank < 0.12:
        answers[0] = ""
    elif blank < 0.22:
        answers[1] = ""
    return answers[0], answers[1]


def campaign_letter(rng: random.Random) -> str:
    text = CAMPAIGN_BASE
    for old, new in rng.sample(CAMPAIGN_EDITS, rng.choice([0, 1, 1, 2, 3])):
        text = text.replace(old, new)
    return text


def rows(rng: random.Random) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    plan: list[tuple[str, str | None, str]] = []  # (theme, second theme, kind)
    themes = list(WEIGHTS)
    for theme, n in WEIGHTS.items():
        for _ in range(n):
            second = rng.choice([t for t in themes if t != theme]) if rng.random() < 0.3 else None
            plan.append((theme, second, "ordinary"))
    plan += [(t[0], None, f"long{i}") for i, t in enumerate(LONG_ANSWERS)]
    plan += [(t, None, f"pii{i}") for i, (t, _) in enumerate(PII_RESPONSES)]
    plan += [("", None, f"campaign{i}") for i in range(46)]
    plan += [("", None, f"short{i}") for i in range(len(SHORT_ANSWERS))]
    plan += [("", None, f"offtopic{i}") for i in range(len(OFF_TOPIC))]
    plan += [("", None, "blank") for _ in range(5)]
    rng.shuffle(plan)
    key: dict[str, list[str]] = {t: [] for t in THEMES}
    out = []
    start = date(2026, 1, 20)
    for n, (theme, second, kind) in enumerate(plan, start=1):
        rid = f"HBC-{n:04d}"
        q2 = q4 = q5 = ""
        if kind == "ordinary":
            q2, q4 = ordinary(theme, second, rng)
            key[theme].append(rid)
        elif kind.startswith("long"):
            long_themes, text = LONG_ANSWERS[int(kind[4:])]
            q2 = text
            key[long_themes[0]].append(rid)
        elif kind.startswith("pii"):
            q4 = PII_RESPONSES[int(kind[3:])][1]
        elif kind.startswith("campaign"):
            q5 = campaign_letter(rng)
            key["market_square"].append(rid)
        elif kind.startswith("short"):
            q2 = SHORT_ANSWERS[int(kind[5:])]
        elif kind.startswith("offtopic"):
            q5 = OFF_TOPIC[int(kind[8:])]
        if kind == "ordinary" and rng.random() < 0.1:
            q5 = rng.choice(OFF_TOPIC)
        submitted = start + timedelta(days=min(59, int(rng.expovariate(1 / 18))))
        rtype = "Organisation" if kind.startswith("campaign") and rng.random() < 0.1 else rng.choice(TYPES)
        out.append(
            {
                "Response ID": rid,
                "Submitted": submitted.isoformat(),
                "Respondent type": rtype,
                "Ward": rng.choice(WARDS),
                "Age band": rng.choice(AGES),
                "Q1 How do you usually travel into the town centre?": rng.choice(MODES),
                "Q2 What are the biggest problems getting into and around the town centre?": q2,
                "Q3 How far do you support the draft plan?": rng.choice(SUPPORT),
                "Q4 What should the council change or prioritise?": q4,
                "Q5 Any other comments?": q5,
            }
        )
    for n, (_theme, text) in enumerate(OTHER_LANGUAGES, start=len(out) + 1):
        out.append(
            {
                **out[-1],
                "Response ID": f"HBC-{n:04d}",
                "Submitted": "2026-03-15",
                "Q2 What are the biggest problems getting into and around the town centre?": text,
                "Q4 What should the council change or prioritise?": "",
                "Q5 Any other comments?": "",
            }
        )
    return out, key


def write_csv(data: list[dict[str, str]]) -> None:
    with (OUT / "survey-responses.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)


def write_vtt() -> None:
    lines, t = ["WEBVTT", "", "NOTE Harbourside Guildhall public meeting, 4 February 2026", ""], 5.0
    for i, (speaker, text) in enumerate(TRANSCRIPT, start=1):
        dur = 2.5 + len(text.split()) * 0.38
        lines += [str(i), f"{stamp(t)} --> {stamp(t + dur)}", f"<v {speaker}>{text}", ""]
        t += dur + 1.5
    (OUT / "public-meeting.vtt").write_text("\n".join(lines), encoding="utf-8")


def stamp(seconds: float) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def write_docx() -> None:
    document = docx.Document()
    for style, text in DECISION_NOTICE:
        document.add_paragraph(text, style=style)
    document.core_properties.title = "Cabinet decision notice: Town Centre Transport Plan"
    fixed = datetime(2026, 6, 11, 17, 0)  # fixed timestamps keep the file byte-identical across runs
    document.core_properties.created = fixed
    document.core_properties.modified = fixed
    document.core_properties.last_modified_by = "Democratic Services"
    document.core_properties.author = "Democratic Services"
    target = OUT / "cabinet-decision.docx"
    document.save(str(target))
    fix_zip_dates(target)


def fix_zip_dates(path: Path) -> None:
    """Rewrite a ZIP (DOCX) with one fixed date on every member, so the bytes never change."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            target.writestr(zipfile.ZipInfo(name, date_time=(2026, 6, 11, 17, 0, 0)), data, zipfile.ZIP_DEFLATED)


def write_key(key: dict[str, list[str]]) -> None:
    lines = ["# Answer key for the sample: each planted theme, some of its responses, expected status.", ""]
    for theme, ids in key.items():
        lines += [
            f"[themes.{theme}]",
            f'label = "{LABELS[theme]}"',
            f'status = "{STATUS[theme]}"',
            f"responses = {ids[:25]!r}".replace("'", '"'),
            "",
        ]
    (OUT / "answer_key.toml").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    data, key = rows(random.Random(20260320))
    write_csv(data)
    write_vtt()
    (OUT / "options-appraisal.md").write_text(OPTIONS_PAPER, encoding="utf-8")
    write_docx()
    write_key(key)
    print(f"{len(data)} responses, {len(TRANSCRIPT)} turns -> {OUT}")


if __name__ == "__main__":
    main()
