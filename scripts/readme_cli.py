"""Keep the README's command reference true: rewrite the blocks after each
``<!-- help: closeknit COMMAND -->`` marker with the real ``closeknit COMMAND --help`` output.

    python scripts/readme_cli.py          # rewrite README.md in place
    python scripts/readme_cli.py --check  # exit 1 when the README differs (the test does this)

Help is rendered at a fixed width (:data:`WIDTH` columns) so it does not depend on the terminal.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WIDTH = 100
MARKER = re.compile(r"<!-- help: closeknit (?P<cmd>[\w-]+) -->\n```text\n.*?```", re.S)


def help_text(command: str) -> str:
    """``closeknit COMMAND --help`` as printed at :data:`WIDTH` columns."""
    os.environ["COLUMNS"] = str(WIDTH)
    sys.path.insert(0, str(ROOT))
    from analysis.cli import build_parser  # lazy: the script is usable before installing

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command].format_help().rstrip() + "\n"


def commands() -> list[str]:
    """Every subcommand of ``closeknit``, in the order the parser declares them."""
    sys.path.insert(0, str(ROOT))
    from analysis.cli import build_parser  # lazy: as above

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def render(text: str) -> str:
    """``text`` with every help block replaced by the real help."""

    def block(m: re.Match[str]) -> str:
        cmd = m.group("cmd")
        return f"<!-- help: closeknit {cmd} -->\n```text\n{help_text(cmd)}```"

    return MARKER.sub(block, text)


def main() -> int:
    check = "--check" in sys.argv[1:]
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if check:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
