"""Exports are inert: names and file names from the user's files never become live markup in the
Markdown report (no HTML, no links, no images), the HTML report stays escaped."""

from __future__ import annotations

from markdown_it import MarkdownIt

from analysis.exports import report_html
from analysis.importers.base import ImportOptions, SourceFile
from analysis.pipeline import analysis_from_files
from analysis.report import to_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![x](http://tracker.example/p.png)",
    "<img src=x onerror=alert(1)>",
    "Eve <https://evil.example>",
]


def _files():
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:p{i}@example.org\r\nEND:VCARD\r\n"
        for i, name in enumerate(HOSTILE)
    )
    rows = "".join(
        f"2026-0{m}-0{d} 10:00,p{i}@example.org,call,outgoing,10,,\n"
        for i in range(len(HOSTILE))
        for m in (3, 4, 5)
        for d in (1, 5)
    )
    log = "timestamp,contact,channel,direction,duration_min,event_id,note\n" + rows
    return [
        SourceFile("<b>cards</b>[x](javascript:1).vcf", cards.encode()),
        SourceFile("log.csv", log.encode()),
    ]


def test_the_markdown_report_renders_names_and_file_names_as_text():
    run = analysis_from_files(_files(), ImportOptions(), as_of="2026-06-30")
    md = to_markdown(run.analysis, files=[r.to_dict() for r in run.dataset.reports], unmatched=None)
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    for bad in ("<script", "<img", "<a ", "<b>", "href="):
        assert bad not in rendered, bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # the name, shown as text
    html = report_html(md)
    assert "<script" not in html and "<img" not in html and "<a " not in html
