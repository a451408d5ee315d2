"""The ``closeknit`` command line: the same pipeline as the dashboard, headless.

    closeknit import FILE... [--region CC] [--tz ZONE] [--dayfirst|--monthfirst] [--me NAME]
                             [--store PATH] [--json]
    closeknit analyze [FILE...] [--as-of YYYY-MM-DD] [--region CC] [--format json|md] [--store PATH]
    closeknit log PERSON [--channel in_person] [--when DATE] [--store PATH]
    closeknit export ics|csv|md|html [-o FILE] [--as-of DATE] [--store PATH]
    closeknit sample-path
    closeknit dashboard [--port N]

The import report goes to stderr (analyze) or stdout (import). Exit status 0 when at least one file
was usable, 2 when none was (with the reason on stderr), and 2 with one line on stderr for a store
that cannot be used (corrupt, newer, locked, read-only) or a file that cannot be read.

Every command runs :mod:`analysis.pipeline`: files go into a store (``--store PATH``, else one in
memory that is gone when the command ends), then identity resolution, then the engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import checkin, occasions, pipeline, runtime
from analysis import constants as C
from analysis.errors import CloseknitError
from analysis.exports import people_csv, reminders_ics, report_html
from analysis.importers.base import FileReport, ImportOptions, SourceFile
from analysis.model import CHANNELS, DIRECTIONS
from analysis.report import to_dict, to_markdown
from analysis.store import Store, default_store_path
from analysis.store.store import MEMORY

EXIT_OK = 0
EXIT_UNUSABLE = 2

STORE_TIMEOUT = 30.0
"""Seconds to wait for another closeknit (an import, the dashboard) to finish writing the store
before saying so."""


def _options(args: argparse.Namespace, store: Store | None = None) -> ImportOptions:
    """Options from the command line; with a store, unset ones come from the store's settings
    and the ones given are remembered there."""
    if store is not None:
        for key, value in (
            ("region", args.region.upper() if args.region else None),
            ("timezone", args.tz),
            ("dayfirst", args.dayfirst),
            ("me", args.me),
        ):
            if value is not None:
                store.set_setting(key, [*value] if key == "me" else value)
        return store.import_options()
    return ImportOptions(
        region=(args.region or "US").upper(),
        timezone=args.tz or "UTC",
        dayfirst=args.dayfirst,
        me=tuple(args.me or ()),
    )


READ_SUFFIXES = frozenset(
    {".vcf", ".vcard", ".csv", ".tsv", ".txt", ".zip", ".json", ".ics", ".ical", ".xml",
     ".html", ".htm", ".mbox", ".eml", ".db", ".sqlite", ""}
)  # fmt: skip
"""Suffixes of the files taken from a folder given on the command line (a Takeout or "Download
your information" folder also holds photos and videos, which are counted, not read)."""


def _paths(given: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The files to read: each file given, and the readable files inside each folder given
    (recursively, in name order, hidden files left out); notes on what folders held besides."""
    out: list[Path] = []
    notes: list[str] = []
    for p in given:
        path = Path(p)
        if not path.is_dir():
            out.append(path)
            continue
        inside = sorted(
            q for q in path.rglob("*")
            if q.is_file() and not any(part.startswith(".") for part in q.relative_to(path).parts)
        )  # fmt: skip
        taken = [q for q in inside if q.suffix.lower() in READ_SUFFIXES]
        if len(taken) < len(inside):
            notes.append(
                f"{p}: {len(inside) - len(taken)} other files (photos, videos, documents) left out"
            )
        out.extend(taken)
    return out, notes


def _read_sources(paths: Sequence[str]) -> tuple[list[SourceFile], list[FileReport]]:
    """The files named on the command line (folders expanded) as sources; a file that cannot be
    read from disk becomes a report saying so, and the others are read."""
    sources, problems = [], []
    files, _ = _paths(paths)
    for path in files:
        try:
            sources.append(SourceFile.from_path(str(path)))
        except OSError as exc:
            reason = "no such file" if isinstance(exc, FileNotFoundError) else (
                exc.strerror or str(exc)
            )  # fmt: skip
            problems.append(
                FileReport(
                    path.name,
                    "unreadable",
                    "unreadable",
                    error=f"{path}: cannot be read ({reason})",
                )
            )
    return sources, problems


def format_report_text(reports: Sequence[FileReport]) -> str:
    """The import report as plain text, one block per file."""
    lines = []
    for r in reports:
        if r.error:
            lines.append(f"{r.file}: NOT IMPORTED - {r.error}")
            continue
        lines.append(
            f"{r.file}: {r.label} - read {r.read}, imported {r.imported}, skipped {len(r.skipped)}"
        )
        for s in r.skipped[:50]:
            lines.append(f"  skipped {s.where}: {s.reason}")
        if len(r.skipped) > 50:
            lines.append(f"  ... and {len(r.skipped) - 50} more skipped records (see --json)")
        for w in r.warnings[:20]:
            lines.append(f"  warning: {w}")
        if len(r.warnings) > 20:
            lines.append(f"  ... and {len(r.warnings) - 20} more warnings (see --json)")
        for n in r.notes:
            lines.append(f"  note: {n}")
    return "\n".join(lines)


def _run(args: argparse.Namespace, analyse: bool):
    """Import the files named (into the store when one is given, else into memory) and resolve
    identities; with ``analyse`` also run the engine. One path for both: see
    :mod:`analysis.pipeline`. Returns ``(reports, dataset, resolution, run or None, options)``."""
    sources, problems = _read_sources(args.files or ())
    as_of = getattr(args, "as_of", None)
    window = getattr(args, "window", C.WINDOW_DAYS)
    with Store(
        args.store if getattr(args, "store", None) else MEMORY, timeout=STORE_TIMEOUT
    ) as store:
        options = _options(args, store)
        if not store.in_memory:
            store.reread(store.options_for)  # files read with settings changed since
        outcomes = pipeline.import_files(store, sources, store.options_for)
        if analyse:
            run = pipeline.analysis_from_store(
                store, as_of=as_of, window_days=window, use_cache=not store.in_memory
            )
            dataset, resolution = run.dataset, run.resolution
        else:
            run = None
            dataset, resolution, _ = pipeline.resolution_from_store(
                store, use_cache=not store.in_memory
            )
    # report on the files named now (or, with none named, on everything stored)
    reports = problems + (pipeline.reports_of(outcomes) if sources or problems else dataset.reports)
    return reports, dataset, resolution, run, options


def import_summary(dataset, resolution) -> dict:
    """The JSON object of ``closeknit import --json``."""
    inter = resolution.interactions
    matched = int(inter["person_id"].notna().sum()) if len(inter) else 0
    return {
        "files": [r.to_dict() for r in dataset.reports],
        "people": int(len(resolution.people)),
        "contacts": int(len(dataset.contacts)),
        "merged_contacts": int(len(resolution.merges)),
        "interactions": int(len(inter)),
        "matched": matched,
        "unmatched": unmatched_list(resolution),
        "merge_suggestions": int(len(resolution.suggestions)),
    }


def unmatched_list(resolution) -> list[dict]:
    """Unmatched identities as ``[{"who", "interactions"}]``."""
    return [
        {"who": str(row.who), "interactions": int(row.interactions)}
        for row in resolution.unmatched.itertuples(index=False)
    ]


def cmd_import(args: argparse.Namespace) -> int:
    reports, dataset, resolution, _, _ = _run(args, analyse=False)
    dataset.reports = reports
    summary = import_summary(dataset, resolution)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(format_report_text(dataset.reports))
        print()
        print(
            f"people: {summary['people']} (from {summary['contacts']} contact records, "
            f"{summary['merged_contacts']} merged)"
        )
        print(
            f"interactions: {summary['interactions']} "
            f"({summary['matched']} matched, {summary['interactions'] - summary['matched']} unmatched)"
        )
        for u in summary["unmatched"][:20]:
            print(f"  unmatched: {u['who']} ({u['interactions']} interactions)")
    return _exit_status(reports)


def _exit_status(reports: Sequence[FileReport]) -> int:
    if any(r.usable or r.format == "duplicate" for r in reports) or not reports:
        return EXIT_OK
    reasons = "; ".join(r.error or f"{r.file}: nothing usable in it" for r in reports)
    print(f"closeknit: no usable file. {reasons}", file=sys.stderr)
    return EXIT_UNUSABLE


def cmd_analyze(args: argparse.Namespace) -> int:
    reports, dataset, resolution, run, _ = _run(args, analyse=True)
    print(format_report_text(reports), file=sys.stderr)
    status = _exit_status(reports)
    if status != EXIT_OK:
        return status
    files = [r.to_dict() for r in reports]
    unmatched = unmatched_list(resolution)
    if args.format == "json":
        print(
            json.dumps(
                to_dict(run.analysis, files=files, unmatched=unmatched),
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        print(to_markdown(run.analysis, files=files, unmatched=unmatched))
    return EXIT_OK


def cmd_today(args: argparse.Namespace) -> int:
    """Today's check-in: one close person to send a short message to, the streak, the week, the
    dates coming up and the follow-ups due. With ``--store`` the day's choice is kept (the same
    person all day) and ``--done`` logs the message and counts the day."""
    reports, _, _, run, _ = _run(args, analyse=True)
    status = _exit_status(reports)
    if status != EXIT_OK:
        print(format_report_text(reports), file=sys.stderr)
        return status
    an = run.analysis
    today = an.as_of.date()
    with Store(
        args.store if getattr(args, "store", None) else MEMORY, timeout=STORE_TIMEOUT
    ) as store:
        history = store.checkins()
        edits = store.edits()
        states = {p: e.states for p, e in edits.items() if e.states}
        close = {p: e.closeness for p, e in edits.items() if e.closeness is not None}
        chosen = checkin.todays(an.people, today, history, states, close)
        done_today = bool(history.get(today, ("", False))[1])
        if chosen is not None and not store.in_memory:
            if args.done and not done_today:
                when = pd.Timestamp.now(tz="UTC")
                if today < when.date():  # looking at a past day: the contact counts on that day
                    when = pd.Timestamp(today, tz="UTC") + pd.Timedelta(hours=12)
                store.log_contact(chosen.name, "message", when, note="daily check-in")
                store.finish_follow_ups(chosen.person_id, today)
                done_today = True
            store.record_checkin(today, chosen.person_id, done_today)
            history = store.checkins()
        follow = occasions.due_follow_ups(store.follow_ups(), today)
        dates = store.occasions()
    names = dict(zip(an.people["person_id"], an.people["name"], strict=True))
    gone = [p for p, st in states.items() if set(st) & checkin.NEVER_STATES]
    upcoming = occasions.coming_up(
        [*occasions.occasions_from_people(run.resolution.people), *dates],
        names,
        today,
        leave_out=gone,
    )
    done_days = [d for d, (_, done) in history.items() if done]
    out = {
        "day": today.isoformat(),
        "checkin": None
        if chosen is None
        else {
            "person_id": chosen.person_id,
            "name": chosen.name,
            "reason": chosen.reason,
            "draft": chosen.draft,
            "done": done_today,
        },  # fmt: skip
        "streak": checkin.streak(done_days, today),
        "week": [
            {"day": d.isoformat(), "done": d in set(done_days)} for d in occasions.week_of(today)
        ],
        "coming_up": [
            {
                "name": r.name,
                "kind": r.kind,
                "date": r.date.isoformat(),
                "days_until": int(r.days_until),
                "turns": None if pd.isna(r.turns) else int(r.turns),
            }
            for r in upcoming.itertuples(index=False)
        ],  # fmt: skip
        "follow_ups": [
            {"name": names.get(f.person_id, f.person_id), "on": f.on.isoformat(), "text": f.text}
            for f in follow
        ],
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    if chosen is None:
        print("No check-in today: closeknit has not seen anyone close often enough yet.")
    else:
        print(f"Today's check-in ({today:%A %d %B}): {chosen.name}")
        print(f"  {chosen.reason}")
        print(f"  Draft: {chosen.draft}")
        if done_today:
            print("  Done. Thank you.")
    print(checkin.streak_words(out["streak"], done_today))
    print("This week: " + " ".join(
        f"{date.fromisoformat(w['day']):%a} {'done' if w['done'] else '-'}" for w in out["week"]
    ))  # fmt: skip
    for r in out["coming_up"]:
        when = occasions.when_words(r["days_until"], date.fromisoformat(r["date"]))
        turns = f" (turns {r['turns']})" if r["turns"] and r["kind"] == "birthday" else ""
        print(f"Coming up: {r['name']}'s {r['kind']} {when}{turns}")
    for f in out["follow_ups"]:
        print(f"Follow up with {f['name']}: {f['text']} (since {f['on']})")
    return EXIT_OK


def cmd_follow_up(args: argparse.Namespace) -> int:
    """Keep a one-off follow-up for someone on a date; it is listed by ``today`` from then."""
    with Store(args.store, timeout=STORE_TIMEOUT) as store:
        _, res, _ = pipeline.resolution_from_store(store)
        pid, _ = _one_person(res.people, args.person)
        if pid is None:
            return EXIT_UNUSABLE
        on = date.fromisoformat(args.on)
        store.add_follow_up(occasions.FollowUp(pid, on, args.text))
    print(f"follow-up kept for {on:%d %B %Y}")
    return EXIT_OK


def cmd_sample_path(args: argparse.Namespace) -> int:
    print(sample_dir())
    return EXIT_OK


def _one_person(people: pd.DataFrame, typed: str) -> tuple[str | None, str | None]:
    """``(person_id, name)`` of the one person ``typed`` names (the full name, else a part of
    it); ``(None, None)`` with a line on stderr when it names nobody or several people."""
    key = typed.strip().casefold()
    names = people["name"].astype(str).str.casefold() if len(people) else people["name"]
    hits = people[names == key] if len(people) else people
    if hits.empty and len(people):
        hits = people[names.str.contains(key, regex=False)]
    if len(hits) != 1:
        found = ", ".join(sorted(hits["name"].astype(str).head(8))) if len(hits) else "nobody"
        print(
            f"closeknit: {typed!r} matches {found}; give the full name as shown by "
            "'closeknit analyze'",
            file=sys.stderr,
        )
        return None, None
    return str(hits.iloc[0]["person_id"]), str(hits.iloc[0]["name"])


def cmd_log(args: argparse.Namespace) -> int:
    """Record contact with someone in the store (it resets their clock)."""
    with Store(args.store, timeout=STORE_TIMEOUT) as store:
        _, res, _ = pipeline.resolution_from_store(store)
        _, name = _one_person(res.people, args.person)
        if name is None:
            return EXIT_UNUSABLE
        tz = store.import_options().timezone
        when = pd.Timestamp(args.when, tz=tz) if args.when else None
        store.log_contact(name, args.channel, when, direction=args.direction, note=args.note)
    print(f"logged {args.channel.replace('_', ' ')} contact with {name}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export reminders (.ics), people and metrics (.csv) or the report (.md/.html)."""
    as_of = pd.Timestamp(args.as_of) if args.as_of else None
    with Store(args.store, timeout=STORE_TIMEOUT) as store:
        store.reread(store.options_for)  # files read with settings changed since (as analyze)
        tz = store.import_options().timezone
        run = pipeline.analysis_from_store(store, as_of=as_of)
        edits = store.edits()
        yearly = occasions.yearly_dates(
            run.resolution.people, store.occasions(), {p: e.states for p, e in edits.items()}
        )
    dataset, resolution, result = run.dataset, run.resolution, run.analysis
    if args.what == "ics":
        data: bytes = reminders_ics(
            result.suggestions, result.as_of.date(), timezone=tz, yearly=yearly
        )
    elif args.what == "csv":
        data = people_csv(result.people).encode("utf-8")
    else:
        md = to_markdown(
            result,
            files=[r.to_dict() for r in dataset.reports],
            unmatched=unmatched_list(resolution),
        )
        data = (report_html(md) if args.what == "html" else md).encode("utf-8")
    if args.output and args.output != "-":
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def sample_dir() -> Path:
    """Where the bundled sample persona lives (``data/samples`` beside ``app.py``)."""
    return Path(__file__).resolve().parent.parent / "data" / "samples"


def cmd_dashboard(args: argparse.Namespace) -> int:
    app = Path(__file__).resolve().parent.parent / "app.py"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(args.port),
        "--browser.gatherUsageStats",
        "false",
    ]
    return subprocess.call(cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="closeknit",
        description="See your own support network from the exports you already have.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("files", nargs="*", metavar="FILE", help="exports to read")
        p.add_argument(
            "--region", help="country code for phone numbers without +prefix (default US)"
        )
        p.add_argument("--tz", help="time zone of naive timestamps (default UTC)")
        p.add_argument(
            "--store", metavar="PATH", help="keep the files and your choices in this SQLite store"
        )
        order = p.add_mutually_exclusive_group()
        order.add_argument(
            "--dayfirst",
            dest="dayfirst",
            action="store_const",
            const=True,
            default=None,
            help="read ambiguous dates as day/month",
        )
        order.add_argument(
            "--monthfirst",
            dest="dayfirst",
            action="store_const",
            const=False,
            help="read ambiguous dates as month/day",
        )
        p.add_argument(
            "--me", action="append", help="your own name or number in chat exports (repeatable)"
        )

    p_imp = sub.add_parser("import", help="read files and print the import report")
    common(p_imp)
    p_imp.add_argument("--json", action="store_true", help="print one JSON object")
    p_imp.set_defaults(func=cmd_import)

    p_an = sub.add_parser("analyze", help="read files and report on your support network")
    common(p_an)
    p_an.add_argument("--as-of", help="analyse as of this date (YYYY-MM-DD; default today)")
    p_an.add_argument("--format", choices=("md", "json"), default="md")
    p_an.add_argument(
        "--window",
        type=int,
        default=C.WINDOW_DAYS,
        help=f"days of the recent window (default {C.WINDOW_DAYS})",
    )
    p_an.set_defaults(func=cmd_analyze)

    p_today = sub.add_parser("today", help="today's check-in with one close person")
    common(p_today)
    p_today.add_argument("--as-of", help="the day (YYYY-MM-DD; default today)")
    p_today.add_argument("--done", action="store_true", help="I sent it: log it, count the day")
    p_today.add_argument("--json", action="store_true", help="print one JSON object")
    p_today.set_defaults(func=cmd_today, window=C.WINDOW_DAYS)

    p_fu = sub.add_parser("follow-up", help="keep a one-off follow-up for someone on a date")
    p_fu.add_argument("person", help="the person's name as closeknit shows it")
    p_fu.add_argument("text", help='what to ask or do ("ask how the interview went")')
    p_fu.add_argument("--on", required=True, help="the day (YYYY-MM-DD)")
    p_fu.add_argument("--store", default=str(default_store_path()), metavar="PATH")
    p_fu.set_defaults(func=cmd_follow_up)

    p_log = sub.add_parser("log", help="record contact you had with someone")
    p_log.add_argument("person", help="the person's name as closeknit shows it")
    p_log.add_argument("--channel", choices=CHANNELS, default="in_person")
    p_log.add_argument("--direction", choices=DIRECTIONS, default="outgoing")
    p_log.add_argument("--when", help="date/time of the contact (default now)")
    p_log.add_argument("--note", default="")
    p_log.add_argument("--store", default=str(default_store_path()), metavar="PATH")
    p_log.set_defaults(func=cmd_log)

    p_ex = sub.add_parser("export", help="export reminders, people or the report from the store")
    p_ex.add_argument("what", choices=("ics", "csv", "md", "html"))
    p_ex.add_argument("-o", "--output", help="file to write (default stdout)")
    p_ex.add_argument("--as-of", help="analyse as of this date (YYYY-MM-DD; default today)")
    p_ex.add_argument("--store", default=str(default_store_path()), metavar="PATH")
    p_ex.set_defaults(func=cmd_export)

    p_s = sub.add_parser("sample-path", help="print where the bundled sample persona is")
    p_s.set_defaults(func=cmd_sample_path)

    p_d = sub.add_parser("dashboard", help="start the dashboard on this machine (127.0.0.1)")
    p_d.add_argument("--port", type=int, default=8501)
    p_d.set_defaults(func=cmd_dashboard)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Every failure is one line on stderr saying what happened and what to do
    (exit status 2); no traceback reaches the user."""
    runtime.use_small_pages()
    runtime.collect_less_often()
    args = build_parser().parse_args(argv)
    if args.func in (cmd_import, cmd_analyze, cmd_today) and not args.files and not args.store:
        build_parser().error("give at least one FILE, or --store PATH")
    try:
        return int(args.func(args))
    except CloseknitError as exc:
        print(f"closeknit: {exc}", file=sys.stderr)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"closeknit: {where}{exc.strerror or exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("closeknit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        print(
            f"closeknit: unexpected error ({type(exc).__name__}: {exc}); nothing was changed "
            "that a re-run would not redo. Please report it with the command you ran.",
            file=sys.stderr,
        )
    return EXIT_UNUSABLE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
