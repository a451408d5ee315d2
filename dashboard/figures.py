"""Plotly figures for the dashboard. Pure: frames and positions in, a figure out.

Names come from the user's files, so every label goes through :func:`hover_safe` (plotly reads a
small subset of HTML in text; escaping makes a name show as the characters it is).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from dashboard import words

CIRCLE_COLOURS: dict[object, str] = {
    1: "#b5472a",
    2: "#e08a3c",
    3: "#6f9a5b",
    4: "#4f7f9a",
    None: "#a89f94",
}
CHANNEL_COLOURS: dict[str, str] = {
    "in_person": "#c2603d",
    "video": "#e0a040",
    "call": "#7a9a5b",
    "message": "#4f7f9a",
    "email": "#8a6fa8",
    "social": "#b07aa1",
    "other": "#a89f94",
}
COMMUNITY_COLOURS: tuple[str, ...] = (
    "#c2603d", "#4f7f9a", "#6f9a5b", "#e0a040", "#8a6fa8",
    "#b07aa1", "#3f9a8f", "#a4743f", "#7d8fb8", "#b5472a",
)  # fmt: skip
OTHER_COLOUR = "#a89f94"
YOU_COLOUR = "#9c6b4e"  # mid-tone: visible on the light and the dark theme
SELECTED_COLOUR = "#8c7a6b"
NEGLECTED_COLOUR = "#d6372a"
EDGE_COLOUR = "rgba(140, 125, 110, 0.35)"
RING_COLOUR = "rgba(140, 125, 110, 0.45)"
MAX_COMMUNITY_TRACES = len(COMMUNITY_COLOURS)
ATTENTION = ("neglected", "overdue")


def hover_safe(text: object) -> str:
    """A name or note made inert for plotly text (``<`` shows as ``<``, never as a tag)."""
    return html.escape("" if text is None else str(text), quote=True)


def _circle_key(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _hover(row: pd.Series) -> str:
    parts = [
        f"<b>{hover_safe(row['name'])}</b>",
        hover_safe(words.circle_label(row.get("circle"))),
        hover_safe(words.status_label(row.get("status"))),
    ]
    if not pd.isna(row.get("days_since", float("nan"))):
        parts.append(f"last contact {hover_safe(words.ago(row['days_since']))}")
    return "<br>".join(parts)


def network_figure(
    people: pd.DataFrame,
    graph: nx.Graph,
    positions: Mapping[object, tuple[float, float]],
    colour_by: str = "circle",
    selected: str | None = None,
    labels: int = 15,
    centre: str = "me",
) -> tuple[go.Figure, list[list[str] | None]]:
    """The support network: ``me`` in the centre, the given people (already filtered) around.

    Rings mark the circles; every edge between shown people (who knows whom) is in one WebGL
    line trace (the tie to ``me`` is the ring itself, not a line); people are WebGL markers
    coloured by ``circle`` or ``community`` (one trace per colour, for the legend), sized by tie
    strength; people slipping away or overdue get a red ring; ``selected`` gets a dark outline;
    the ``labels`` strongest ties show their name. Returns the figure and, per trace, the
    person_ids of its points (None for traces without people), for selection handling.
    """
    shown = [p for p in people["person_id"] if p in positions]
    people = people[people["person_id"].isin(shown)]
    keep = set(shown) | {centre}
    traces: list[go.Scattergl] = []
    ids_per_trace: list[list[str] | None] = []

    ex: list[float | None] = []
    ey: list[float | None] = []
    for u, v in graph.subgraph(keep).edges():
        # the tie to you is the ring itself; lines show who knows whom
        if u != centre and v != centre and u in positions and v in positions:
            (x0, y0), (x1, y1) = positions[u], positions[v]
            ex += [x0, x1, None]
            ey += [y0, y1, None]
    traces.append(
        go.Scattergl(
            x=ex, y=ey, mode="lines", line={"width": 0.7, "color": EDGE_COLOUR},
            hoverinfo="skip", showlegend=False, name="ties",
        )
    )  # fmt: skip
    ids_per_trace.append(None)

    strength = people["tie_strength"].fillna(0.0).clip(0, 1)
    size = 7 + 22 * strength
    label_ids = set(people.nlargest(labels, "tie_strength")["person_id"]) if labels else set()

    if colour_by == "community":
        groups = _community_groups(people)
    else:
        groups = []
        for key in (1, 2, 3, 4, None):
            mask = people["circle"].map(_circle_key).map(lambda c, k=key: c == k)
            groups.append((words.circle_label(key), CIRCLE_COLOURS[key], mask))

    for name, colour, mask in groups:
        sub = people[mask.to_numpy()]
        if sub.empty:
            continue
        xs = [positions[p][0] for p in sub["person_id"]]
        ys = [positions[p][1] for p in sub["person_id"]]
        # WebGL text is drawn on a canvas as plain characters, so names go in as they are;
        # hover labels are SVG that reads a little HTML, so those are escaped.
        text = [
            str(n) if p in label_ids else ""
            for p, n in zip(sub["person_id"], sub["name"], strict=True)
        ]
        traces.append(
            go.Scattergl(
                x=xs, y=ys, mode="markers+text", name=name, text=text,
                textposition="top center", textfont={"size": 11},
                customdata=[[p] for p in sub["person_id"]],
                hovertext=[_hover(r) for _, r in sub.iterrows()], hoverinfo="text",
                marker={"size": size[mask.to_numpy()].tolist(), "color": colour,
                        "line": {"width": 1, "color": "rgba(255,255,255,0.8)"}, "opacity": 0.92},
            )
        )  # fmt: skip
        ids_per_trace.append(list(sub["person_id"]))

    attention = people[people["status"].isin(ATTENTION)]
    if not attention.empty:
        traces.append(
            go.Scattergl(
                x=[positions[p][0] for p in attention["person_id"]],
                y=[positions[p][1] for p in attention["person_id"]],
                mode="markers", name="Slipping away or overdue",
                customdata=[[p] for p in attention["person_id"]],
                hovertext=[_hover(r) for _, r in attention.iterrows()], hoverinfo="text",
                marker={"symbol": "circle-open", "color": NEGLECTED_COLOUR,
                        "size": (size[attention.index] + 9).tolist(), "line": {"width": 2.5}},
            )
        )  # fmt: skip
        ids_per_trace.append(list(attention["person_id"]))

    if selected is not None and selected in positions and selected in set(people["person_id"]):
        x, y = positions[selected]
        traces.append(
            go.Scattergl(
                x=[x], y=[y], mode="markers", name="Selected", showlegend=False,
                customdata=[[selected]], hoverinfo="skip",
                marker={"symbol": "circle-open", "size": 38, "color": SELECTED_COLOUR,
                        "line": {"width": 3}},
            )
        )  # fmt: skip
        ids_per_trace.append([selected])

    if centre in positions:
        traces.append(
            go.Scattergl(
                x=[0.0], y=[0.0], mode="markers+text", text=["You"], name="You",
                textposition="bottom center", hovertext=["You"], hoverinfo="text",
                showlegend=False,
                marker={"symbol": "star", "size": 26, "color": YOU_COLOUR},
            )
        )  # fmt: skip
        ids_per_trace.append(None)

    fig = go.Figure(traces)
    radii = sorted({round(math.hypot(*positions[p]), 6) for p in shown})
    for r in radii:
        fig.add_shape(
            type="circle", x0=-r, y0=-r, x1=r, y1=r, layer="below",
            line={"color": RING_COLOUR, "width": 1, "dash": "dot"},
        )  # fmt: skip
    lim = max((math.hypot(*xy) for xy in positions.values()), default=1.0) + 0.6
    axis = {"visible": False, "range": [-lim, lim], "fixedrange": False}
    fig.update_layout(
        height=640,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        xaxis=axis,
        yaxis={**axis, "scaleanchor": "x", "scaleratio": 1},
        legend={"orientation": "h", "y": -0.02},
        dragmode="pan",
        clickmode="event+select",
        hoverlabel={"namelength": 0},
        uirevision="network",
    )
    return fig, ids_per_trace


def _community_groups(people: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    comm = people["community"]
    counts = comm.dropna().astype(int).value_counts()
    top = sorted(counts.index, key=lambda c: (-counts[c], c))[:MAX_COMMUNITY_TRACES]
    groups = []
    for i, c in enumerate(top):
        groups.append(
            (
                f"Group {i + 1}",
                COMMUNITY_COLOURS[i],
                comm.map(lambda v, c=c: not pd.isna(v) and int(v) == c),
            )
        )
    rest = ~comm.map(lambda v: not pd.isna(v) and int(v) in set(top))
    groups.append(("Other groups", OTHER_COLOUR, rest))
    return groups


def timeline_figure(timeline: pd.DataFrame) -> go.Figure:
    """Monthly contact with one person, stacked by channel (from ``person_timeline``)."""
    fig = go.Figure()
    for channel in CHANNEL_COLOURS:
        sub = timeline[timeline["channel"] == channel]
        if sub.empty:
            continue
        fig.add_bar(
            x=sub["period"].dt.tz_convert(None), y=sub["count"], name=words.channel_label(channel),
            marker_color=CHANNEL_COLOURS[channel],
        )  # fmt: skip
    fig.update_layout(
        barmode="stack", height=240, margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "y": -0.25}, yaxis_title="contacts a month",
    )  # fmt: skip
    return fig


def circles_figure(
    people: pd.DataFrame, positions: Mapping[object, tuple[float, float]]
) -> go.Figure:
    """The concentric circles: rings for the four circles, each person a dot on their ring."""
    fig = go.Figure()
    for layer in (4, 3, 2, 1):
        r = float(layer)
        fig.add_shape(
            type="circle", x0=-r, y0=-r, x1=r, y1=r, layer="below",
            line={"color": CIRCLE_COLOURS[layer], "width": 1.5},
            fillcolor=_tint(CIRCLE_COLOURS[layer], 0.08),
        )  # fmt: skip
        fig.add_annotation(
            x=0, y=r - 0.18, text=hover_safe(words.circle_label(layer)), showarrow=False,
            font={"size": 12, "color": CIRCLE_COLOURS[layer]},
        )  # fmt: skip
    inner = people[people["circle"].notna()]
    for layer in (1, 2, 3, 4):
        sub = inner[inner["circle"].astype(int) == layer]
        sub = sub[sub["person_id"].isin(list(positions))]
        if sub.empty:
            continue
        fig.add_trace(
            go.Scattergl(
                x=[positions[p][0] for p in sub["person_id"]],
                y=[positions[p][1] for p in sub["person_id"]],
                mode="markers", name=f"{words.circle_label(layer)} ({len(sub)})",
                hovertext=[_hover(r) for _, r in sub.iterrows()], hoverinfo="text",
                marker={"size": 8 + 10 * sub["tie_strength"].fillna(0).clip(0, 1),
                        "color": CIRCLE_COLOURS[layer]},
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scattergl(x=[0], y=[0], mode="markers", marker={"symbol": "star", "size": 20,
                     "color": YOU_COLOUR}, hovertext=["You"], hoverinfo="text", showlegend=False)
    )  # fmt: skip
    axis = {"visible": False, "range": [-4.4, 4.4]}
    fig.update_layout(
        height=560, margin={"l": 0, "r": 0, "t": 10, "b": 0}, xaxis=axis,
        yaxis={**axis, "scaleanchor": "x"}, legend={"orientation": "h", "y": -0.02},
    )  # fmt: skip
    return fig


def _tint(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def monthly_balance_figure(
    monthly: pd.DataFrame, month_col: str, online_col: str, offline_col: str
) -> go.Figure:
    """Contacts a month, online and in person, stacked."""
    fig = go.Figure()
    x = pd.to_datetime(monthly[month_col])
    if getattr(x.dt, "tz", None) is not None:
        x = x.dt.tz_convert(None)
    fig.add_bar(
        x=x, y=monthly[offline_col], name="in person", marker_color=CHANNEL_COLOURS["in_person"]
    )
    fig.add_bar(
        x=x,
        y=monthly[online_col],
        name="online (calls, messages, e-mail...)",
        marker_color=CHANNEL_COLOURS["message"],
    )
    fig.update_layout(
        barmode="stack", height=320, margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "y": -0.2}, yaxis_title="contacts a month",
    )  # fmt: skip
    return fig
