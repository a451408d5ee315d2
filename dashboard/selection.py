"""What a click on the network picture selects: pure functions over Streamlit's plotly
selection event (no Streamlit import, so they are tested on plain data).

``st.plotly_chart(..., on_select="rerun", selection_mode="points")`` returns an event whose
``selection.points`` is a list of dicts (``curve_number``, ``point_index``, ``x``, ``y`` and the
point's ``customdata``). The network figure puts the person_id in each person's ``customdata``;
the centre (``me``) and the edges carry none, so clicking them selects nobody.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any


def selected_ids(event: Any, trace_ids: Sequence[Sequence[str] | None] = ()) -> list[str]:
    """The person_ids of the selected points, in the order the event lists them.

    ``event`` is the value ``st.plotly_chart`` returned (attribute or dict access both work), or
    None. ``customdata`` wins; when a point has none, ``trace_ids[curve_number][point_index]``
    (the ids the figure was built with) is used, if given.
    """
    selection = _get(event, "selection")
    points = _get(selection, "points") or []
    out: list[str] = []
    for point in points:
        pid = _customdata_id(_get(point, "customdata"))
        if pid is None:
            curve, index = _get(point, "curve_number"), _get(point, "point_index")
            if isinstance(curve, int) and isinstance(index, int) and 0 <= curve < len(trace_ids):
                ids = trace_ids[curve]
                if ids is not None and 0 <= index < len(ids):
                    pid = ids[index]
        if pid is not None and pid not in out:
            out.append(pid)
    return out


def person_from_selection(
    event: Any, known: Collection[str], trace_ids: Sequence[Sequence[str] | None] = ()
) -> str | None:
    """The person a click selected: the last selected point that is a known person, else None."""
    for pid in reversed(selected_ids(event, trace_ids)):
        if pid in known:
            return pid
    return None


def next_person(
    current: str | None,
    event: Any,
    last_seen: tuple[str, ...],
    known: Collection[str],
    trace_ids: Sequence[Sequence[str] | None] = (),
) -> tuple[str | None, tuple[str, ...]]:
    """The person the card should show after a rerun, and the selection to remember.

    A *new* click (the selected ids differ from ``last_seen``) picks the clicked person; an
    unchanged selection (a rerun caused by another widget) keeps ``current`` — so choosing a
    person from the list is not undone by an old click. A ``current`` no longer in ``known``
    (filtered out, or a new import) is dropped.
    """
    ids = tuple(selected_ids(event, trace_ids))
    person = current if current in known else None
    if ids != last_seen:
        clicked = person_from_selection(event, known, trace_ids)
        if clicked is not None:
            person = clicked
    return person, ids


def _customdata_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, Sequence) and value and isinstance(value[0], str):
        return value[0] or None
    return None


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    try:
        return obj[name]
    except (KeyError, TypeError, IndexError):
        return getattr(obj, name, None)
