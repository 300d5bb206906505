"""The ``throughline`` command line: ``analyse`` a consultation, serve the ``dashboard``."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from flows.prefect_logging import use_quiet_logging
from flows.server import serve, use_running_server

app = typer.Typer(
    help="Did what the public said travel into what was decided?", no_args_is_help=True, add_completion=False
)
console = Console(stderr=True)
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Folder holding analysed runs.")]


def fail(message: str) -> NoReturn:
    """Print a user-facing error (as text, never markup) and exit with status 2."""
    console.print("[bold red]error:[/] ", end="", markup=True)
    console.print(message, markup=False, highlight=False)
    raise typer.Exit(2)


def _use_workspace(workspace: Path) -> Path:
    workspace = workspace.resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(workspace / ".prefect"))
    use_quiet_logging(Path(os.environ["PREFECT_HOME"]))
    use_running_server(Path(os.environ["PREFECT_HOME"]))
    return workspace


@app.command()
def server(
    workspace: WorkspaceOption = Path("workspace"),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.", min=1024, max=65535)] = 4200,
) -> None:
    """Keep a local Prefect server running: analyses in this workspace use it instead of starting one.

    Each run otherwise starts a temporary server (7-11 s). Its UI at http://127.0.0.1:PORT shows
    every run and step. Stop it with Ctrl+C.
    """
    workspace = workspace.resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    console.print(f"Prefect server for {workspace} on http://127.0.0.1:{port} (Ctrl+C stops it)")
    try:
        raise typer.Exit(serve(Path(os.environ.get("PREFECT_HOME", workspace / ".prefect")), port))
    except RuntimeError as exc:
        fail(str(exc))


@app.command()
def analyse(
    config: Annotated[Path, typer.Argument(help="The consultation file (TOML).", exists=True, dir_okay=False)],
    workspace: WorkspaceOption = Path("workspace"),
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Run every step again rather than reuse unchanged steps of earlier runs.")
    ] = False,
    dask_address: Annotated[
        str | None,
        typer.Option(
            "--dask-address",
            help="Run the steps on this Dask cluster (tcp://host:8786); its workers must see the workspace.",
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait", min=0, help="If another run of this consultation is in progress, wait up to this many seconds."
        ),
    ] = 0.0,
) -> None:
    """Analyse a consultation: ingest, prepare, embed, themes, trace; write a run folder.

    Steps whose inputs, settings and code are unchanged since an earlier run are reused.
    """
    workspace = _use_workspace(workspace)
    handler = RichHandler(console=console, show_path=False, show_level=False, markup=False)
    logger = logging.getLogger("throughline")
    logger.setLevel(logging.INFO)
    logger.propagate = False  # Prefect's root handler would print every line twice
    logger.addHandler(handler)
    from flows.failures import StepFailed
    from flows.lock import RunLockedError, consultation_lock
    from models.errors import ModelUnavailableError
    from pipeline.config import ConfigError, load_consultation
    from pipeline.ingest import IngestError

    started = time.perf_counter()
    try:
        loaded = load_consultation(config.resolve())
        missing = loaded.missing_files()  # fail fast, before Prefect starts
        if missing:
            raise IngestError("source files not found: " + ", ".join(str(p) for p in missing))
        if not wait:
            with consultation_lock(workspace, loaded.slug):  # refused now, not after Prefect has started
                pass
        from flows.analyse import analyse_with  # Prefect and the flow: only once the checks above pass

        _quiet_prefect_runs()
        starting = "" if os.environ.get("PREFECT_API_URL") else " (and starting a temporary Prefect server)"
        with console.status(f"Analysing{starting}…"):
            run = analyse_with(config.resolve(), workspace, not fresh, dask_address, wait)
    except (ConfigError, IngestError, ModelUnavailableError, RunLockedError, StepFailed) as exc:
        fail(str(exc))
    finally:
        logger.removeHandler(handler)
    _summary(run, time.perf_counter() - started)


def _quiet_prefect_runs() -> None:
    """Keep Prefect's run loggers from printing a failed step's traceback: the CLI reports it in one line.

    Importing Prefect configures its loggers (``setup_logging``), so this runs after that import.
    """
    logging.getLogger("prefect").setLevel(logging.WARNING)
    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _summary(run: Path, seconds: float) -> None:
    from flows.runs import peak_step
    from pipeline.store import read_run_table
    from pipeline.trace import document_stages, trace_gap

    manifest = json.loads((run / "manifest.json").read_text())
    acc = manifest["accounting"]["total"]
    table = Table(title=f"{manifest['consultation']['title']} — run {manifest['run_id']}", show_header=False)
    table.add_row(
        "rows read",
        f"{acc['rows_read']} = {acc['rows_analysed']} analysed + "
        f"{acc['rows_rejected']} rejected + {acc['rows_merged']} merged",
    )
    fit = manifest["themes"].get("fit", {})
    how = f" (kept from {fit['note']})" if fit.get("mode") == "extended" else ""
    questions = [q for q in manifest["themes"].get("questions") or [] if q.get("question")]
    per = f", each of {len(questions)} questions on its own" if len(questions) > 1 else ""
    table.add_row("themes", f"{manifest['counts']['themes']}{per}{how}")
    aside = manifest["counts"].get("set_aside") or {}
    if aside:
        listed = ", ".join(f"{category} {n}" for category, n in aside.items())
        table.add_row(
            "set aside",
            f"{manifest['counts'].get('passages_set_aside', sum(aside.values()))} passages with nothing to theme "
            f"({listed}); {manifest['counts'].get('responses_set_aside', 0)} responses said nothing else",
        )
    for note in manifest["themes"].get("notes") or []:
        table.add_row("too few", note)
    other = manifest["counts"].get("unthemed_languages") or {}
    if other:
        listed = ", ".join(f"{language} {n}" for language, n in other.items())
        table.add_row(
            "not themed (language)",
            f"{sum(other.values())} responses: {listed} — kept and counted; to theme them, name a multilingual "
            "analysis.embedding_model and list analysis.languages (README: Other languages)",
        )
    table.add_row("status", ", ".join(f"{v} {k}" for k, v in sorted(manifest["statuses"].items())))
    gap = trace_gap(document_stages(read_run_table(run, "passages")))
    fate = manifest.get("responsiveness") or {}
    if gap:
        table.add_row("responsiveness", f"not computed: {gap}")
    elif fate.get("share_reached") is not None:
        table.add_row(
            "responsiveness",
            f"{fate['share_reached']:.0%} ({fate['n_reached']} of {fate['n_respondents']} respondents with a theme)",
        )
    reused = manifest.get("reused_steps") or []
    if reused:
        table.add_row("reused", ", ".join(reused) + " (unchanged since an earlier run; --fresh redoes them)")
    for source_id, said in (manifest.get("warnings") or {}).items():
        for line in said:
            table.add_row(f"warning ({source_id})", line)
    table.add_row("run folder", str(run))
    table.add_row("wall time", f"{seconds:.1f}s")
    peaks: dict[str, int] = manifest.get("peak_rss_mb") or {}
    top = peak_step(peaks)
    if top is not None:
        table.add_row("peak memory", f"{peaks[top] / 1024:.1f} GB (reached in {top})")
    Console().print(table)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="A survey export, transcript or document.", exists=True, dir_okay=False)],
    kind: Annotated[
        str | None, typer.Option(help="responses, transcript or document (default: from the suffix).")
    ] = None,
) -> None:
    """Show a file's detected format, columns, a sample and a ready-to-paste sources block (TOML)."""
    from pipeline.ingest import IngestError
    from pipeline.ingest.inspect import describe_file

    if kind not in (None, "responses", "transcript", "document"):
        fail(f"--kind must be responses, transcript or document, not {kind!r}")
    try:
        found = describe_file(file.resolve(), kind)  # type: ignore[arg-type]
    except IngestError as exc:
        fail(str(exc))
    out = Console()
    out.print(f"[bold]{file.name}[/]: {found.kind}, format [bold]{found.format}[/]")
    out.print(
        f"rows: {found.rows_read} read = {found.rows_analysed} analysed + {found.rows_rejected} rejected + "
        f"{found.rows_merged} merged"
    )
    for label, names in (
        ("free-text columns", found.text_columns),
        ("date column", [found.date_column] if found.date_column else []),
        ("attributes", found.attributes),
        ("left out as personal data", found.personal),
    ):
        if names:
            out.print(f"{label}: " + ", ".join(names), highlight=False, markup=False)
    for warning in found.warnings:
        console.print(f"warning: {warning}", highlight=False, markup=False)
    sample = Table(*found.sample.columns, title="sample", show_lines=True)
    for row in found.sample.iter_rows():
        sample.add_row(*[(str(v)[:120] if v is not None else "") for v in row])
    out.print(sample)
    out.print("\nPaste into your consultation file:\n")
    typer.echo(found.sources_block())  # as it is: a console would wrap long lines inside TOML strings


@app.command()
def score(
    key: Annotated[Path, typer.Argument(help="Answer key (TOML) of planted themes.", exists=True, dir_okay=False)],
    run: Annotated[
        Path | None, typer.Option(help="Run folder; default: the latest run of the key's consultation.")
    ] = None,
    workspace: WorkspaceOption = Path("workspace"),
    slug: Annotated[str, typer.Option(help="Consultation slug, to find its latest run.")] = "harbourside-transport",
) -> None:
    """Score a run against an answer key: planted themes found and statuses matched."""
    from pipeline.evaluate import load_key, score_against_key
    from pipeline.store import latest_run, read_run_table

    folder = run or latest_run(workspace.resolve(), slug)
    if folder is None:
        fail(f"no complete run of {slug!r} in {workspace}")
    result = score_against_key(
        load_key(key), read_run_table(folder, "assignments"), read_run_table(folder, "theme_status")
    )
    table = Table("planted theme", "theme", "overlap", "expected", "got", title=f"Run {folder.name}")
    for row in result.iter_rows(named=True):
        mark = "✓" if row["status_matches"] else "✗"
        table.add_row(
            row["label"],
            row["theme_id"] or "—",
            f"{row['overlap']:.0%}",
            row["expected_status"],
            f"{row['status'] or '—'} {mark}",
        )
    Console().print(table)
    found, matched, n = int(result["found"].sum()), int(result["status_matches"].sum()), result.height
    Console().print(f"themes found: {found}/{n}   statuses matched: {matched}/{n}")


@app.command(name="eval")
def evaluate(
    spec: Annotated[
        Path, typer.Argument(help="Evaluation file (TOML): a human-coded dataset.", exists=True, dir_okay=False)
    ],
    output: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.", dir_okay=False)] = None,
    workspace: WorkspaceOption = Path("workspace"),
    seed: Annotated[int, typer.Option(help="Seed of the main fits.")] = 42,
    part: Annotated[
        list[str] | None, typer.Option(help="Run only this part: discovery or coding (repeatable; default both).")
    ] = None,
) -> None:
    """Score theme discovery and guided coding against human codes, beside plain BERTopic.

    The spec and data are checked before any model runs; with --output each part's results are
    written as soon as it is done.
    """
    from flows.evaluation import PARTS, markdown, run_eval
    from pipeline.config import ConfigError
    from pipeline.theme_eval import load_eval_spec

    parts = tuple(part or PARTS)
    wrong = [p for p in parts if p not in PARTS]
    if wrong:
        fail(f"--part must be one of {', '.join(PARTS)}, not {', '.join(wrong)}")
    workspace = _use_workspace(workspace)

    def write(result: dict[str, Any]) -> None:
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    try:
        loaded = load_eval_spec(spec.resolve())
        with console.status(f"Evaluating on {loaded.dataset.name} (embedding, fitting, bootstrapping)…"):
            result = run_eval(loaded, workspace / ".cache" / "embeddings", seed, parts, write)
    except ConfigError as exc:
        fail(str(exc))
    write(result)
    typer.echo(markdown(result))


ConsultationOption = Annotated[
    str | None, typer.Option("--consultation", "-c", help="Consultation slug (needed if the workspace has several).")
]
ByOption = Annotated[str | None, typer.Option("--by", help="Reviewer's name for the audit log (default: your login).")]


def _latest(workspace: Path, slug: str | None) -> Path:
    from pipeline.store import consultations, latest_run

    known = consultations(workspace)
    if slug is None:
        if len(known) != 1:
            fail(
                f"{workspace}: {'no analysed consultations' if not known else 'several consultations'}; "
                + (
                    "run `throughline analyse` first"
                    if not known
                    else f"name one with --consultation ({', '.join(known)})"
                )
            )
        slug = known[0]
    run = latest_run(workspace, slug)
    if run is None:
        fail(f"{workspace}: no complete run of {slug!r} (consultations: {', '.join(known) or 'none'})")
    return run


@app.command()
def report(
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder for the reports.")] = None,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: md, html, docx.")] = "md,html,docx",
) -> None:
    """Write the "you said, we did" report of the latest run, with the current reviews applied."""
    from pipeline.report import FORMATS, report_data, write_reports
    from pipeline.review import open_run
    from pipeline.store import read_manifest

    run = _latest(workspace.resolve(), consultation)
    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        fail(f"--format: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(FORMATS)}")
    view = open_run(run)
    folder = output or run.parent.parent / "reports" / run.name
    for path in write_reports(report_data(view.tables, read_manifest(run)), folder, chosen):
        typer.echo(str(path))


@app.command()
def export(
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder for the data package.")] = None,
    as_zip: Annotated[bool, typer.Option("--zip", help="Also write the package as a ZIP beside the folder.")] = False,
) -> None:
    """Export the latest run as a data package: Parquet, CSV, XLSX, datapackage.json, codebooks."""
    from pipeline.export import export_run, package_zip

    run = _latest(workspace.resolve(), consultation)
    folder = output or run.parent.parent / "exports" / run.name
    written = export_run(run, folder)
    typer.echo(f"{folder} ({len(written)} files)")
    if as_zip:
        archive = folder.with_suffix(".zip")
        archive.write_bytes(package_zip(folder))
        typer.echo(str(archive))


review_app = typer.Typer(help="Confirm or reject links; rename, merge or split themes (recorded with who and when).")
app.add_typer(review_app, name="review")


def _review(workspace: Path, consultation: str | None) -> tuple[Path, Any, Any]:
    from pipeline.review import open_run, store_for

    run = _latest(workspace.resolve(), consultation)
    store = store_for(run)
    return run, store, open_run(run, store)


def _recorded(action: Any) -> None:
    from pipeline.review import ReviewError

    try:
        review_id = action()
    except ReviewError as exc:
        fail(str(exc))
    typer.echo(f"recorded review {review_id}")


@review_app.command("link")
def review_link(
    theme_id: Annotated[str, typer.Argument(help="Theme id as shown (e.g. T06).")],
    passage_id: Annotated[str, typer.Argument(help="Document passage id (e.g. cabinet-decision:10:0).")],
    reject: Annotated[bool, typer.Option("--reject/--confirm", help="Reject the link (default: confirm it).")] = False,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Confirm or reject the link between a theme and a document passage."""
    from pipeline.review import default_reviewer, record_link

    run, store, view = _review(workspace, consultation)
    verdict = "rejected" if reject else "confirmed"
    _recorded(lambda: record_link(store, view, theme_id, passage_id, verdict, by or default_reviewer(), run.name))


@review_app.command("outcome")
def review_outcome(
    option_id: Annotated[str, typer.Argument(help="The option, e.g. O4 (see the Options page)")],
    outcome: Annotated[
        str, typer.Argument(help="approved, 'approved with changes', rejected, deferred, 'not mentioned'")
    ],
    reason: Annotated[str | None, typer.Option(help="The reason the decision gives")] = None,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Correct what the decision did with an option (the statuses follow)."""
    from pipeline.review import default_reviewer, record_outcome

    run, store, view = _review(workspace, consultation)
    _recorded(lambda: record_outcome(store, view, option_id, outcome, reason, by or default_reviewer(), run.name))


@review_app.command("option")
def review_option(
    option_id: Annotated[str, typer.Argument(help="The option, e.g. O4 (see the Options page)")],
    title: Annotated[str | None, typer.Option(help="Its correct title")] = None,
    remove: Annotated[bool, typer.Option(help="It is not an option: remove it and every link to it")] = False,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Correct the options list: rename an option, or remove one that is not an option."""
    from pipeline.review import default_reviewer, record_option

    run, store, view = _review(workspace, consultation)
    who = by or default_reviewer()
    _recorded(lambda: record_option(store, view, option_id, who, run.name, title=title, remove=remove))


@review_app.command("attribution")
def review_attribution(
    response_id: Annotated[str, typer.Argument(help="The response, as its id column gives it")],
    option_id: Annotated[str, typer.Argument(help="The option, e.g. O4")],
    reject: Annotated[
        bool, typer.Option("--reject/--confirm", help="It does not address the option (default: it does).")
    ] = False,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Confirm or reject that a response addresses an option (the theme × option table and statuses follow)."""
    from pipeline.review import default_reviewer, record_attribution

    run, store, view = _review(workspace, consultation)
    verdict = "rejected" if reject else "confirmed"
    who = by or default_reviewer()
    _recorded(lambda: record_attribution(store, view, response_id, option_id, verdict, who, run.name))


@review_app.command("codes")
def review_codes(
    file: Annotated[Path, typer.Argument(help="Coded responses (CSV, XLSX, JSON).", exists=True, dir_okay=False)],
    text: Annotated[str, typer.Option(help="The column with the response's text.")] = "text",
    codes: Annotated[str, typer.Option(help="The column with its codes (the codebook's names).")] = "codes",
    separator: Annotated[str | None, typer.Option(help="Several codes in one cell split by this.")] = None,
    tone: Annotated[
        str | None,
        typer.Option(help="A column with an analyst's tone score (a number on any scale) to learn tone from."),
    ] = None,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Import coded responses as examples of the codebook's codes, and with --tone of their tone (used from the next `throughline analyse`)."""
    from pipeline.coding.examples import read_coded
    from pipeline.review import default_reviewer, record_codes, store_for
    from pipeline.store import read_manifest

    run = _latest(workspace.resolve(), consultation)
    names = [c["name"] for c in read_manifest(run)["config"]["resolved"].get("codebook", [])]
    if not names and not tone:
        fail(
            f"{run.parent.parent.name}: its consultation file has no [[codebook]] to give examples of (or give --tone)"
        )
    rows, problems = read_coded(file.resolve(), text, codes, separator, names, tone)
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        fail(f"nothing imported: {len(problems)} problems\n{shown}{more}\n(codes: {', '.join(names)})")
    store, who = store_for(run), by or default_reviewer()
    for said, given, toned in rows:
        record_codes(store, said, given if given or toned is None else None, who, run.name, tone=toned)
    toned_rows = sum(t is not None for _, _, t in rows)
    typer.echo(
        f"recorded {len(rows)} coded examples"
        + (f" ({toned_rows} with a tone score)" if tone else "")
        + "; the next `throughline analyse` learns from them"
    )


@review_app.command("rename")
def review_rename(
    theme_id: Annotated[str, typer.Argument(help="Theme id as shown.")],
    label: Annotated[str, typer.Argument(help="The new name.")],
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Rename a theme."""
    from pipeline.review import default_reviewer, record_rename

    run, store, view = _review(workspace, consultation)
    _recorded(lambda: record_rename(store, view, theme_id, label, by or default_reviewer(), run.name))


@review_app.command("merge")
def review_merge(
    theme_id: Annotated[str, typer.Argument(help="The theme to keep.")],
    others: Annotated[list[str], typer.Argument(help="Themes to fold into it.")],
    label: Annotated[str | None, typer.Option(help="Name of the merged theme.")] = None,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Merge themes into one (it keeps the first theme's id)."""
    from pipeline.review import default_reviewer, record_merge

    run, store, view = _review(workspace, consultation)
    _recorded(lambda: record_merge(store, view, theme_id, others, by or default_reviewer(), run.name, label))


@review_app.command("split")
def review_split(
    theme_id: Annotated[str, typer.Argument(help="Theme id as shown.")],
    parts: Annotated[int, typer.Option(help="Number of parts (2-10).")] = 2,
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Split a theme by meaning into PARTS themes (ids T05.1, T05.2, ...)."""
    from pipeline.review import default_reviewer, record_split

    run, store, view = _review(workspace, consultation)
    _recorded(lambda: record_split(store, view, theme_id, parts, by or default_reviewer(), run.name))


@review_app.command("withdraw")
def review_withdraw(
    review_id: Annotated[int, typer.Argument(help="The review's number (see `throughline review log`).")],
    by: ByOption = None,
    workspace: WorkspaceOption = Path("workspace"),
    consultation: ConsultationOption = None,
) -> None:
    """Withdraw a review; the audit log keeps it."""
    from pipeline.review import ReviewError, default_reviewer

    _, store, _ = _review(workspace, consultation)
    try:
        store.withdraw(review_id, by or default_reviewer())
    except ReviewError as exc:
        fail(str(exc))
    typer.echo(f"withdrew review {review_id}")


@review_app.command("log")
def review_log(workspace: WorkspaceOption = Path("workspace"), consultation: ConsultationOption = None) -> None:
    """The audit log: who changed what, when, before and after."""
    _, store, view = _review(workspace, consultation)
    log = store.audit_log()
    if log.is_empty():
        typer.echo("no reviews yet")
    for row in log.iter_rows(named=True):
        theme = f" {row['theme_id']}" if row["theme_id"] else ""
        typer.echo(
            f"#{row['review_id']} {row['at']} {row['who']}: {row['action']}{theme}"
            f" — before {row['before']}, after {row['after']}"
        )
    if view.orphaned:
        console.print(f"reviews that match no theme of the latest run: {view.orphaned}", markup=False)


@app.command(name="eval-trace")
def evaluate_trace(
    spec: Annotated[
        Path,
        typer.Argument(
            help="Trace spec (TOML): a consultation file and gold links and/or outcomes (docs/EVALUATION.md).",
            exists=True,
            dir_okay=False,
        ),
    ],
    output: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.", dir_okay=False)] = None,
    half: Annotated[str, typer.Option(help="Score links on all responses, or the dev or test half (by id hash).")] = (
        "all"
    ),
    workspace: WorkspaceOption = Path("workspace"),
) -> None:
    """Score a consultation's trace against gold response → option links and/or option outcomes."""
    from flows.trace_evaluation import HALVES, markdown, run_trace_eval
    from pipeline.config import ConfigError
    from pipeline.trace.scoring import load_trace_spec

    if half not in HALVES:
        fail(f"--half must be one of {', '.join(HALVES)}, not {half!r}")
    workspace = _use_workspace(workspace)
    try:
        loaded = load_trace_spec(spec.resolve())
    except ConfigError as error:
        fail(str(error))
    with console.status("Analysing the consultation and scoring its trace…"):
        result = run_trace_eval(loaded, workspace, half)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(markdown(result))


@app.command(name="eval-real")
def evaluate_real(
    data: Annotated[Path, typer.Option(help="The real data sets (../shared/data).", file_okay=False)] = Path(
        "../shared/data"
    ),
    only: Annotated[
        str | None,
        typer.Option(help="Comma-separated parts to run: redaction, language, placeholders, dates, substance, themes."),
    ] = None,
    output: Annotated[Path, typer.Option(help="The figures as JSON.", dir_okay=False)] = Path(
        "evaluation/results/real.json"
    ),
    doc: Annotated[Path, typer.Option(help="The page written from them.", dir_okay=False)] = Path("docs/QUALITY.md"),
) -> None:
    """The quality scoreboard on the real data sets: writes evaluation/results/real.json and docs/QUALITY.md."""
    from flows.eval_real import PARTS, MissingData, run_eval_real

    parts = tuple(p.strip() for p in only.split(",") if p.strip()) if only else PARTS
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise typer.BadParameter(
            f"unknown part {unknown or only!r}; the parts are {', '.join(PARTS)}", param_hint="--only"
        )
    try:
        run_eval_real(data, parts, output, doc, progress=lambda line: console.print(line, markup=False))
    except MissingData as error:
        console.print(f"eval-real: {error}", markup=False)
        raise typer.Exit(2) from None
    console.print(f"wrote {output} and {doc}", markup=False)


@app.command()
def doctor(
    workspace: WorkspaceOption = Path("workspace"),
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Check the models this consultation file names (default: the defaults)."),
    ] = None,
) -> None:
    """Check the installation: packages, models loadable offline, workspace writable, Prefect."""
    from flows.doctor import checks
    from pipeline.config import Analysis, ConfigError, load_consultation

    analysis = Analysis()
    if config is not None:
        try:
            analysis = load_consultation(config.resolve()).analysis
        except ConfigError as exc:
            fail(str(exc))
    workspace = workspace.resolve()
    os.environ.setdefault("PREFECT_HOME", str(workspace / ".prefect"))
    with console.status("Checking the installation…"):
        found = checks(workspace, analysis.embedding_model, analysis.spacy_model)
    table = Table(title="throughline doctor", show_lines=False)
    for column in ("check", "", "what was found", "what to do"):
        table.add_column(column)
    for check in found:
        table.add_row(check.name, "ok" if check.ok else "FAILED", check.detail, check.fix)
    console.print(table)
    failed = [c.name for c in found if not c.ok]
    if failed:
        console.print(f"[red]{len(failed)} check(s) failed:[/red] {', '.join(failed)}")
        raise typer.Exit(1)
    console.print("Everything needed to analyse a consultation offline is in place.")


@app.command()
def bench(
    sizes: Annotated[
        str, typer.Option(help="Comma-separated numbers of responses to generate and analyse.")
    ] = "1000,10000,100000",
    scratch: Annotated[Path, typer.Option(help="Folder for the generated consultations and workspaces.")] = Path(
        "benchmarks/.data"
    ),
    real: Annotated[
        bool, typer.Option("--real/--no-real", help="Also measure the real datasets in ../shared/data (if present).")
    ] = True,
    plain: Annotated[
        bool, typer.Option("--plain/--no-plain", help="Also run the plain pipeline on the same answers.")
    ] = True,
) -> None:
    """Time the whole analysis on generated consultations and real data (and the plain pipeline beside it)."""
    from flows.bench import RESULTS, table
    from flows.bench import bench as run_bench

    try:
        chosen = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    except ValueError:
        fail(f"--sizes must be comma-separated whole numbers, not {sizes!r}")
    if chosen and min(chosen) < 50:
        fail("--sizes: each size must be at least 50 responses")
    if not chosen and not real:
        fail("nothing to measure: give --sizes or leave --real on")
    results = run_bench(chosen, scratch.resolve(), real=real, plain=plain)
    typer.echo(table(results))
    console.print(f"Written {RESULTS} and the table in docs/PERFORMANCE.md")


@app.command()
def dashboard(
    workspace: WorkspaceOption = Path("workspace"),
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless behind a proxy.")] = "127.0.0.1",
    public: Annotated[
        bool, typer.Option("--public", help="Read-only view without individual responses (for publishing).")
    ] = False,
    auth: Annotated[
        Path | None,
        typer.Option(help="Secrets TOML with an [auth] section: visitors sign in (OpenID Connect; docs/DEPLOY.md)."),
    ] = None,
    user_header: Annotated[
        str | None,
        typer.Option(help="Behind a sign-in proxy: the header naming the user, e.g. X-Forwarded-Email."),
    ] = None,
) -> None:
    """Serve the dashboard over the runs in WORKSPACE (http://127.0.0.1:8501)."""
    from dashboard.access import USER_HEADER, check_auth_file

    workspace = _use_workspace(workspace)
    env = {**os.environ, "THROUGHLINE_WORKSPACE": str(workspace)}
    if public:
        env["THROUGHLINE_PUBLIC"] = "1"
    if auth is not None and user_header:
        fail("use --auth (built-in sign-in) or --user-header (a sign-in proxy), not both")
    if auth is not None:
        problems = check_auth_file(auth)
        if problems:
            fail("; ".join(problems))
    if user_header:
        env[USER_HEADER] = user_header
    console.print(f"Serving the dashboard on http://{host}:{port} (Ctrl+C to stop)")
    from flows.child import run_child  # stops Streamlit when this process is told to stop (SIGTERM, Ctrl+C)

    raise typer.Exit(run_child(streamlit_command(host, port, auth), env))


def streamlit_command(host: str, port: int, secrets: Path | None = None) -> list[str]:
    """The command that serves the dashboard: headless, no usage statistics, no deploy menu."""
    app_path = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    settings = {
        "server.address": host,
        "server.port": str(port),
        "server.headless": "true",
        "browser.gatherUsageStats": "false",
        "client.toolbarMode": "viewer",
    }
    if secrets is not None:
        settings["secrets.files"] = str(secrets.resolve())
    return [sys.executable, "-m", "streamlit", "run", str(app_path)] + [
        part for key, value in settings.items() for part in (f"--{key}", value)
    ]


if __name__ == "__main__":
    app()
