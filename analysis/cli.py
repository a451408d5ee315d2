"""The ``closeknit`` command line: the same pipeline as the dashboard, headless.

    closeknit import FILE... [--region CC] [--tz ZONE] [--dayfirst|--monthfirst] [--me NAME]
                             [--store PATH] [--json]
    closeknit analyze [FILE...] [--as-of YYYY-MM-DD] [--region CC] [--format json|md] [--store PATH]
    closeknit log PERSON [--channel in_person] [--when DATE] [--store PATH]
    closeknit export ics|csv|md|html [-o FILE] [--as-of DATE] [--store PATH]
    closeknit sample-path
    closeknit dashboard [--port N]

The import report goes to stderr (analyze) or stdout (import). Exit status 0 when at least one file
was usable, 2 when none was (with the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.importers.base import FileReport, ImportOptions, SourceFile

EXIT_OK = 0
EXIT_UNUSABLE = 2


def _options(args: argparse.Namespace, store=None) -> ImportOptions:
    """Options from the command line; with a store, unset ones come from the store's settings
    and the ones given are remembered there."""
    if store is not None:
        stored = store.import_options()
        for key, value in (
            ("region", args.region),
            ("timezone", args.tz),
            ("dayfirst", args.dayfirst),
            ("me", args.me),
        ):
            if value is not None:
                store.set_setting(key, [*value] if key == "me" else value)
        return ImportOptions(
            region=(args.region or stored.region).upper(),
            timezone=args.tz or stored.timezone,
            dayfirst=args.dayfirst if args.dayfirst is not None else stored.dayfirst,
            me=tuple(args.me) if args.me else stored.me,
        )
    return ImportOptions(
        region=(args.region or "US").upper(),
        timezone=args.tz or "UTC",
        dayfirst=args.dayfirst,
        me=tuple(args.me or ()),
    )


def _read_sources(paths: Sequence[str]) -> tuple[list[SourceFile], list[FileReport]]:
    sources, problems = [], []
    for p in paths:
        path = Path(p)
        try:
            sources.append(SourceFile.from_path(str(path)))
        except OSError as exc:
            problems.append(
                FileReport(
                    path.name,
                    "unreadable",
                    "unreadable",
                    error=f"{p}: cannot be read ({exc.strerror or exc})",
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


def _load_and_resolve(args: argparse.Namespace):
    """Import the files (into the store, when one is given) and resolve identities."""
    from analysis.identity import MergeDecisions, resolve
    from analysis.pipeline import load

    sources, problems = _read_sources(args.files or ())
    store_path = getattr(args, "store", None)
    if store_path:
        from analysis.pipeline import dataset_from_store
        from analysis.store import Store

        with Store(store_path) as store:
            options = _options(args, store)
            outcomes = [store.add_file(src, options) for src in sources]
            dataset = dataset_from_store(store)
            decisions = store.decisions()
        # report on the files named now (or, with none named, on everything stored)
        if sources:
            dataset.reports = [o.report for o in outcomes]
    else:
        options = _options(args)
        dataset = load(sources, options)
        decisions = MergeDecisions()
    dataset.reports[:0] = problems
    resolution = resolve(
        dataset.contacts, dataset.interactions, region=options.region, decisions=decisions
    )
    return dataset, resolution, options


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
    dataset, resolution, options = _load_and_resolve(args)
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
    return _exit_status(dataset)


def _exit_status(dataset) -> int:
    if dataset.usable:
        return EXIT_OK
    reasons = "; ".join(r.error or f"{r.file}: nothing usable in it" for r in dataset.reports)
    print(f"closeknit: no usable file. {reasons}", file=sys.stderr)
    return EXIT_UNUSABLE


def cmd_analyze(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.engine import analyze
    from analysis.report import to_dict, to_markdown

    dataset, resolution, options = _load_and_resolve(args)
    print(format_report_text(dataset.reports), file=sys.stderr)
    status = _exit_status(dataset)
    if status != EXIT_OK:
        return status
    as_of = pd.Timestamp(args.as_of) if args.as_of else None
    overrides = None
    if args.store:
        from analysis.store import Store

        with Store(args.store) as store:
            overrides = store.overrides()
    result = analyze(
        resolution.people,
        resolution.interactions,
        as_of=as_of,
        overrides=overrides,
        window_days=args.window,
        timezone=options.timezone,
        me=options.me,
    )
    files = [r.to_dict() for r in dataset.reports]
    unmatched = unmatched_list(resolution)
    if args.format == "json":
        print(
            json.dumps(
                to_dict(result, files=files, unmatched=unmatched),
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        print(to_markdown(result, files=files, unmatched=unmatched))
    return EXIT_OK


def cmd_sample_path(args: argparse.Namespace) -> int:
    print(sample_dir())
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    """Record contact with someone in the store (it resets their clock)."""
    import pandas as pd

    from analysis.identity import resolve
    from analysis.pipeline import dataset_from_store
    from analysis.store import Store

    with Store(args.store) as store:
        ds = dataset_from_store(store)
        res = resolve(
            ds.contacts,
            ds.interactions,
            region=store.import_options().region,
            decisions=store.decisions(),
        )
        people = res.people
        key = args.person.strip().casefold()
        hits = people[people["name"].str.casefold() == key] if len(people) else people
        if hits.empty and len(people):
            hits = people[people["name"].str.casefold().str.contains(key, regex=False)]
        if len(hits) != 1:
            names = ", ".join(sorted(hits["name"].head(8))) if len(hits) else "nobody"
            print(
                f"closeknit: {args.person!r} matches {names}; give the full name as shown by "
                "'closeknit analyze'",
                file=sys.stderr,
            )
            return EXIT_UNUSABLE
        name = str(hits.iloc[0]["name"])
        when = pd.Timestamp(args.when, tz=store.import_options().timezone) if args.when else None
        store.log_contact(name, args.channel, when, direction=args.direction, note=args.note)
    print(f"logged {args.channel.replace('_', ' ')} contact with {name}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export reminders (.ics), people and metrics (.csv) or the report (.md/.html)."""
    import pandas as pd

    from analysis.exports import people_csv, reminders_ics, report_html
    from analysis.pipeline import analysis_from_store
    from analysis.report import to_markdown
    from analysis.store import Store

    as_of = pd.Timestamp(args.as_of) if args.as_of else None
    with Store(args.store) as store:
        tz = store.import_options().timezone
        run = analysis_from_store(store, as_of=as_of)
    dataset, resolution, result = run.dataset, run.resolution, run.analysis
    if args.what == "ics":
        data: bytes = reminders_ics(result.suggestions, result.as_of.date(), timezone=tz)
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
    import subprocess

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
    p_an.add_argument("--window", type=int, default=90, help="days for recent balance (default 90)")
    p_an.set_defaults(func=cmd_analyze)

    from analysis.model import CHANNELS, DIRECTIONS
    from analysis.store import default_store_path

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
    args = build_parser().parse_args(argv)
    if args.func in (cmd_import, cmd_analyze) and not args.files and not args.store:
        build_parser().error("give at least one FILE, or --store PATH")
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
