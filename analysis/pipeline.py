"""The whole pipeline, as the CLI and the dashboard both run it.

``load(sources, options)`` -> :class:`Dataset` (every file imported, with its report);
``resolve(dataset, options, decisions)`` -> :class:`analysis.identity.Resolution` (people,
interactions linked to them, unmatched identities, merge suggestions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.importers import import_file
from analysis.importers.base import FileReport, ImportOptions, SourceFile
from analysis.model import concat_contacts, concat_interactions

ProgressFn = Callable[[int, int, str], None]
"""``progress(done, total, file_name)``: called before each file and once at the end."""


@dataclass
class Dataset:
    """Everything imported from a set of files, before identity resolution."""

    contacts: pd.DataFrame
    interactions: pd.DataFrame
    reports: list[FileReport] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """True when at least one file gave something."""
        return any(r.usable for r in self.reports)


def load(
    sources: Sequence[SourceFile],
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
) -> Dataset:
    """Import every file. A file that cannot be read is reported, never fatal; the same content
    given twice (by digest) is read once and reported as a duplicate."""
    options = options or ImportOptions()
    contacts, interactions, reports = [], [], []
    seen: dict[str, str] = {}
    for i, src in enumerate(sources):
        if progress:
            progress(i, len(sources), src.name)
        if src.digest in seen:
            reports.append(
                FileReport(
                    src.name,
                    "duplicate",
                    "duplicate",
                    error=f"{src.name}: same content as {seen[src.digest]}; read once",
                )
            )
            continue
        seen[src.digest] = src.name
        result = import_file(src, options)
        contacts.append(result.contacts)
        interactions.append(result.interactions)
        reports.append(result.report)
    if progress:
        progress(len(sources), len(sources), "")
    return Dataset(concat_contacts(contacts), concat_interactions(interactions), reports)
