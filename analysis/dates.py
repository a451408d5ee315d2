"""Dates and times as every importer reads them: one place for the rules.

* **Representable range**: closeknit keeps timestamps as nanoseconds since 1970 (pandas'
  ``datetime64[ns]``), which holds 1677-09-21 to 2262-04-11. A date outside it is never wrapped
  into another century: :func:`representable` tells, and importers skip the record with
  :data:`OUT_OF_RANGE_REASON`.
* **Far future**: a date more than :data:`FUTURE_TOLERANCE_DAYS` after the day of import is
  suspicious (a wrong year, a wrong date order); importers note how many there were.

Day/month order detection, two-digit years and calendar eras are added here as importers move to
this module.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

TIMESTAMP_MIN = pd.Timestamp.min.tz_localize("UTC").ceil("D")
"""Earliest instant closeknit can keep (1677-09-22 UTC, the first whole day pandas holds)."""

TIMESTAMP_MAX = pd.Timestamp.max.tz_localize("UTC").floor("D")
"""Latest instant closeknit can keep (2262-04-11 UTC)."""

OUT_OF_RANGE_REASON = "date outside the years closeknit can keep (1677-2262)"

FUTURE_TOLERANCE_DAYS = 366
"""Days after today beyond which a date counts as "far in the future" and is reported."""


def representable(value: datetime | date | pd.Timestamp) -> bool:
    """True when ``value`` (naive values are taken as UTC) lies within the range closeknit keeps.

    >>> representable(datetime(2024, 5, 1))
    True
    >>> representable(datetime(1, 1, 1))
    False
    """
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        dt = datetime(value.year, value.month, value.day, tzinfo=UTC)
    lo, hi = TIMESTAMP_MIN.to_pydatetime(), TIMESTAMP_MAX.to_pydatetime()
    return lo <= dt <= hi
