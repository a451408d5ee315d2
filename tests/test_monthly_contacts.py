"""Contact per person in each of the last twelve months (analysis.engine.monthly_contacts: the
neglected ties' sparklines)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.engine import monthly_contacts


def _rows(pairs: list[tuple[str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": pd.Series([p for p, _ in pairs], dtype=object),
            "timestamp": pd.to_datetime([t for _, t in pairs], utc=True, format="ISO8601"),
        }
    )


def test_each_month_of_the_last_twelve_counts_that_persons_rows_in_utc() -> None:
    rows = _rows(
        [
            ("p1", "2026-06-03T10:00:00Z"),  # the as-of month: last
            ("p1", "2026-06-29T23:00:00Z"),
            ("p1", "2026-06-30T20:00:00Z"),  # later the same month: still this month
            ("p1", "2025-07-01T00:00:00Z"),  # the first of the twelve months
            ("p1", "2025-06-30T23:59:00Z"),  # thirteen months back: out
            ("p2", "2026-02-01T03:30:00+05:00"),  # 31 January in UTC
            ("p2", "2026-07-01T00:00:00Z"),  # after the as-of month: out
            (None, "2026-05-05T10:00:00Z"),  # nobody: out
            ("p3", None),  # no time: out
            ("p4", "2024-01-01T00:00:00Z"),  # only long ago: not listed
        ]
    )
    got = monthly_contacts(rows, date(2026, 6, 15))
    assert got == {
        "p1": [1] + [0] * 10 + [3],
        "p2": [0] * 6 + [1] + [0] * 5,
    }


def test_a_million_rows_of_ten_thousand_people_are_each_counted_once() -> None:
    rng = np.random.default_rng(3)
    n = 1_000_000
    ids = np.array([f"p{i}" for i in range(10_000)], dtype=object)
    rows = pd.DataFrame(
        {
            "person_id": ids[rng.integers(0, len(ids), n)],
            "timestamp": pd.to_datetime("2025-01-01", utc=True)
            + pd.to_timedelta(rng.integers(0, 700 * 86_400, n), unit="s"),
        }
    )
    got = monthly_contacts(rows, date(2026, 11, 30))
    ts = rows["timestamp"]
    in_months = (ts >= pd.Timestamp("2025-12-01", tz="UTC")) & (
        ts < pd.Timestamp("2026-12-01", tz="UTC")
    )
    assert len(got) == 10_000 and sum(map(sum, got.values())) == int(in_months.sum())
