"""The documented interactions frame, built from columns of any kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.model import CHANNEL_DTYPE, DIRECTION_DTYPE, interactions_frame


def _when(n: int) -> pd.Series:
    return pd.Series(pd.date_range("2026-01-01", periods=n, freq="h", tz="UTC"))


def test_series_columns_are_taken_by_position_not_by_their_index():
    who = pd.Series(["ann", "bob", "cy"], index=[10, 11, 12], dtype=object)
    note = pd.Series(["a", "b", "c"], index=[2, 1, 0], dtype=object)
    frame = interactions_frame(_when(3), who, "call", note=note)
    assert frame["who"].tolist() == ["ann", "bob", "cy"]
    assert frame["note"].tolist() == ["a", "b", "c"]
    assert frame.index.tolist() == [0, 1, 2]


def test_writing_to_the_frame_leaves_the_callers_columns_alone_and_the_other_way_round():
    who = pd.Series(["ann", "bob"], dtype=object)
    ids = np.array(["e1", "e2"], dtype=object)
    frame = interactions_frame(_when(2), who, "call", event_id=ids)
    frame.loc[0, "who"] = "changed"
    frame.loc[1, "event_id"] = "changed"
    assert who.tolist() == ["ann", "bob"] and ids.tolist() == ["e1", "e2"]
    who.iloc[1] = "later"
    ids[0] = "later"
    assert frame["who"].tolist() == ["changed", "bob"]
    assert frame["event_id"].tolist() == ["e1", "changed"]


def test_categorical_channels_and_directions_are_recoded_by_value():
    channel = pd.Categorical(["email", "call", None], categories=["email", "call"])
    direction = pd.Series(
        pd.Categorical(["mutual", "incoming", "mutual"], categories=["mutual", "incoming"])
    )
    frame = interactions_frame(_when(3), ["a", "b", "c"], channel, direction)
    assert frame["channel"].dtype == CHANNEL_DTYPE
    assert frame["direction"].dtype == DIRECTION_DTYPE
    assert frame["channel"].tolist()[:2] == ["email", "call"] and pd.isna(frame["channel"][2])
    assert frame["direction"].tolist() == ["mutual", "incoming", "mutual"]
    assert frame["mode"].tolist()[:2] == ["online", "online"]


def test_an_unknown_categorical_channel_is_refused_by_name():
    channel = pd.Categorical(["call", "pigeon"])
    with pytest.raises(ValueError, match="unknown channel value"):
        interactions_frame(_when(2), ["a", "b"], channel)


def test_the_latest_time_of_interactions_is_in_utc_and_none_without_a_time() -> None:
    import pandas as pd

    from analysis.model import empty_interactions, interactions_frame, latest_time

    frame = interactions_frame(
        pd.to_datetime(["2024-03-01T10:00:00+02:00", None, "2024-03-01T09:30:00Z"], utc=True),
        ["Ana", "Bo", "Cy"],
        "message",
    )
    assert latest_time(frame) == pd.Timestamp("2024-03-01T09:30:00Z")
    assert latest_time(frame.iloc[1:2]) is None
    assert latest_time(empty_interactions()) is None


def test_joined_person_ids_keep_each_rows_person_over_sorted_ids_and_missing_stays_missing():
    from analysis.model import joined_person_ids

    coded = pd.Series(pd.Categorical(["pb", None, "pa"], categories=["pa", "pb", "pz"]))
    plain = pd.Series(["pc", None, "pa"], dtype=object)
    joined = joined_person_ids([coded, plain])
    assert list(joined.categories) == ["pa", "pb", "pc", "pz"]
    assert [None if pd.isna(v) else v for v in joined] == ["pb", None, "pa", "pc", None, "pa"]
    assert joined.categories.dtype == object


def test_concatenated_resolved_rows_stay_coded_by_person():
    from analysis.model import concat_interactions

    base = interactions_frame(timestamp=_when(2), who=["a", "b"], channel=["call", "message"])
    a = base.assign(person_id=pd.Categorical(["pa", None], categories=["pa"]))
    b = base.assign(person_id=pd.Series(["pb", "pa"], dtype=object))
    out = concat_interactions([a, b])
    assert isinstance(out["person_id"].dtype, pd.CategoricalDtype)
    assert [None if pd.isna(v) else v for v in out["person_id"]] == ["pa", None, "pb", "pa"]
