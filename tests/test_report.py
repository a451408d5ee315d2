"""JSON and Markdown forms of the analysis."""

import json

import pandas as pd
import pytest

from analysis.engine import analyze
from analysis.importers.base import FileReport
from analysis.report import PERSON_FIELDS, plain, to_dict, to_markdown
from tests.engine_helpers import AS_OF_SCENARIO, scenario


@pytest.fixture(scope="module")
def result():
    people, inter = scenario()
    return analyze(people, inter, as_of=AS_OF_SCENARIO)


FILES = [FileReport("phone.vcf", "vcard", "vCard 3.0", read=3, imported=3)]
UNMATCHED = pd.DataFrame({"who": ["+4917000000"], "kind": ["phone"], "interactions": [1]})


def test_json_form_has_the_contract_keys_and_serialises(result):
    d = to_dict(result, FILES, UNMATCHED)
    text = json.dumps(d, allow_nan=False)  # no NaN, no numpy, no Timestamps left
    back = json.loads(text)
    assert {
        "as_of",
        "files",
        "people",
        "unmatched",
        "balance",
        "communities",
        "suggestions",
    } <= set(back)
    assert back["as_of"] == AS_OF_SCENARIO
    assert back["files"][0]["file"] == "phone.vcf"
    assert back["unmatched"] == [{"who": "+4917000000", "kind": "phone", "interactions": 1}]
    assert {"window_days", "offline_share", "monthly"} <= set(back["balance"])
    person = {p["person_id"]: p for p in back["people"]}
    assert set(PERSON_FIELDS) <= set(person["cara"])
    assert person["cara"]["circle"] == 1 and person["cara"]["intimate"] is True
    assert person["cara"]["status"] == "neglected"
    assert person["dan"]["circle"] is None and person["dan"]["last_contact"] is None
    assert person["anna"]["roles"] == ["friend"]
    s = back["suggestions"]
    assert [x["rank"] for x in s] == list(range(1, len(s) + 1))
    assert {"person_id", "name", "reason", "action", "draft"} <= set(s[0])


def test_json_people_explain_themselves_and_circle_norms_are_given(result):
    back = json.loads(json.dumps(to_dict(result, FILES, UNMATCHED), allow_nan=False))
    assert back["circle_norms"] == {"1": 5, "2": 10, "3": 35, "4": 100}
    cara = {p["person_id"]: p for p in back["people"]}["cara"]
    assert cara["why_status"].startswith("Usually every 7 days")
    assert cara["why_status"].endswith("neglected.")
    assert "circle 1" in cara["why_circle"] or "closest" in cara["why_circle"]
    assert cara["why_strength"].startswith(f"{cara['tie_strength']:.2f}:")
    assert cara["household"] is False and cara["states"] == []


def test_plain_converts_missing_values_and_numpy():
    import numpy as np

    assert plain(
        {
            "a": np.int64(3),
            "b": float("nan"),
            "c": pd.NA,
            "d": pd.NaT,
            "e": (1, np.float32(0.5)),
            "f": pd.Timestamp("2025-01-01", tz="UTC"),
        }
    ) == {"a": 3, "b": None, "c": None, "d": None, "e": [1, 0.5], "f": "2025-01-01T00:00:00+00:00"}


def test_markdown_report_is_readable(result):
    md = to_markdown(result, FILES, UNMATCHED)
    assert md.startswith(f"# Your support network, as of {AS_OF_SCENARIO}")
    for heading in (
        "## Reach out",
        "## Circles",
        "## Who is due",
        "## In person and on screens",
        "## Outside your intimate circle",
        "## Imported files",
    ):
        assert heading in md
    assert "1. **Cara Drift**: You were in touch about every 7 days; it has been 9 months." in md
    assert "phone.vcf (vCard 3.0): 3 imported, 0 skipped" in md
    assert "1 identity matched nobody" in md


@pytest.mark.parametrize(
    "stamps",
    [
        pd.Series(
            pd.to_datetime(["2026-05-01 12:00", None, "1969-12-31 23:59:59"], format="mixed")
        ),
        pd.Series(pd.to_datetime(["2026-05-01 12:00:00.123456", None], format="mixed", utc=True)),
        pd.Series(pd.to_datetime(["2026-05-01 12:00:00.123456789", "2026-05-01"], format="mixed")),
        pd.Series(pd.to_datetime(["2026-05-01 12:00", "2026-01-01 08:00"])).dt.tz_localize(
            "Europe/Berlin"
        ),
        pd.Series(pd.to_datetime(["2026-05-01 12:00"])).dt.tz_localize("UTC").dt.as_unit("s"),
        pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns, UTC]"),
    ],
)
def test_json_dates_are_written_as_timestamp_isoformat_writes_them(stamps):
    """Dates in the JSON form are Timestamp.isoformat's text whatever the zone, unit or fraction
    (the column-wise writer takes a numpy shortcut for whole seconds in UTC)."""
    from analysis.report import _column

    expected = [None if pd.isna(t) else t.isoformat() for t in stamps]
    assert _column(stamps) == expected
