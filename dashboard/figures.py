"""Plotly figures for the dashboard. Pure: frames and positions in, a figure out.

Names come from the user's files, so every label goes through :func:`hover_safe` (plotly reads a
small subset of HTML in text; escaping makes a name show as the characters it is).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from analysis.metrics.layout import (
    FONT_PX,
    OTHER_GROUPS,
    Box,
    Label,
    NetworkLayout,
    place_labels,
    text_extent,
)
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


def hovers(people: pd.DataFrame) -> list[str]:
    """The hover text of each row of ``people`` (name, circle, status, last contact), escaped;
    column-wise, so 2,000 people cost milliseconds."""
    n = len(people)
    days = people["days_since"] if "days_since" in people else pd.Series([None] * n)
    out = []
    for name, circle, status, d in zip(
        people["name"], people["circle"], people["status"], days, strict=True
    ):
        parts = [
            f"<b>{hover_safe(name)}</b>",
            hover_safe(words.circle_label(circle)),
            hover_safe(words.status_label(status)),
        ]
        if d is not None and not pd.isna(d):
            parts.append(f"last contact {hover_safe(words.ago(d))}")
        out.append("<br>".join(parts))
    return out


PHONE_PLOT_PX = 340.0
"""Side of the network picture's square plot area on a phone (390 px wide screen, less the
page's margins), in CSS pixels: labels are placed for this size, so they fit there."""

DESKTOP_PLOT_PX = 540.0
"""The same on a larger screen: the picture's height less its margins, or the width of its
column on a 1,280-1,400 px wide window with the sidebar open, whichever is smaller."""

MARGIN = 1.2
"""Room around the outermost dots, in spacings (the red rings and the labels of the outer
people)."""

LABELLED_AT_MOST = 60
"""Names written in the picture at most (besides the selected person and search hits): more
reads as a wall of text; the others show on hover or tap."""

CROWDED = 400
"""From this many people shown, names may cover dots (there is no free spot left) and get a
backing so they stay readable over them."""

MAX_EDGES = 3000
"""Lines between people drawn at most: past this the lines fill the picture with one colour
(2,000 people in groups have tens of thousands of ties), so only the selected person's ties
are drawn, and the table says who knows how many."""

FOCUS_COLOUR = "#c2603d"
DIM_OPACITY = 0.22


@dataclass(frozen=True)
class NetworkPicture:
    """The network figure and what the page needs besides it: ``ids`` (per trace, the person_ids
    of its points, None for traces without people, for selection handling) and ``labels`` (the
    names written in the picture, as :class:`analysis.metrics.layout.Label`)."""

    figure: go.Figure
    ids: list[list[str] | None]
    labels: list[Label]
    all_ties_drawn: bool = True


def dot_sizes(strength: pd.Series, scale: float) -> pd.Series:
    """Dot diameters in pixels: at most 85% of the spacing between two dots at this ``scale``
    (pixels per spacing), so dots never touch, between 4 and 26 px, and larger for stronger
    ties (55% to 100% of that)."""
    top = min(26.0, max(4.0, 0.85 * scale))
    return (top * (0.55 + 0.45 * strength.fillna(0.0).clip(0, 1))).clip(lower=4.0)


def network_figure(
    people: pd.DataFrame,
    graph: nx.Graph,
    layout: NetworkLayout,
    colour_by: str = "circle",
    selected: str | None = None,
    found: Sequence[str] = (),
    plot_px: float = DESKTOP_PLOT_PX,
    phone: bool = False,
    centre: str = "me",
    label_bg: str | None = None,
) -> NetworkPicture:
    """The support network of the people given (already filtered), laid out by ``layout``
    (:func:`analysis.metrics.layout.ring_layout` or ``group_layout`` of those same people).

    ``me`` is the star in the centre. Edges between shown people (who knows whom) are one WebGL
    line trace (the tie to ``me`` is the ring itself); people are WebGL markers coloured by
    ``circle`` or ``community`` (one trace per colour, for the legend), sized by tie strength
    (:func:`dot_sizes`), slipping-away and overdue people ringed in red. With ``selected``, that
    person's ties are drawn strong and everyone else not tied to them is dimmed. Names are
    written only where they fit (:func:`analysis.metrics.layout.place_labels` for a plot area
    of ``plot_px`` pixels): the selected person and ``found`` (search hits) always, then the
    strongest ties, never over "You". ``phone``: a shorter picture, and a tap selects (no drag
    mode, which on a touch screen would take the tap for a drag). From :data:`CROWDED` people
    names may cover dots, on a ``label_bg`` backing (the page's background, a little
    transparent); past :data:`MAX_EDGES` ties only the selected person's are drawn.
    """
    shown = [p for p in people["person_id"] if p in layout.positions]
    people = people[people["person_id"].isin(set(shown))]
    positions = layout.positions
    lim = layout.extent + MARGIN
    scale = plot_px / (2 * lim)  # pixels per spacing
    size = dot_sizes(people["tie_strength"], scale)
    size_of = dict(zip(people["person_id"], size, strict=True))
    selected = selected if selected in size_of else None
    ties: set[str] = set()
    if selected is not None and selected in graph:
        ties = {n for n in graph.neighbors(selected) if n in size_of}
    focus = ({selected} | ties) if selected is not None else None

    traces: list[go.Scattergl | go.Scatter] = []
    ids_per_trace: list[list[str] | None] = []
    keep = set(shown)
    ex: list[float | None] = []
    ey: list[float | None] = []
    fx: list[float | None] = []
    fy: list[float | None] = []
    edges = list(graph.subgraph(keep).edges())
    all_ties_drawn = len(edges) <= MAX_EDGES
    if not all_ties_drawn:
        edges = [(selected, n) for n in ties] if selected is not None else []
    for u, v in edges:
        (x0, y0), (x1, y1) = positions[u], positions[v]
        if selected is not None and selected in (u, v):
            fx += [x0, x1, None]
            fy += [y0, y1, None]
        else:
            ex += [x0, x1, None]
            ey += [y0, y1, None]
    edge_colour = EDGE_COLOUR if selected is None else "rgba(140, 125, 110, 0.10)"
    traces.append(
        go.Scattergl(
            x=ex, y=ey, mode="lines", line={"width": 0.7, "color": edge_colour},
            hoverinfo="skip", showlegend=False, name="ties",
        )
    )  # fmt: skip
    ids_per_trace.append(None)
    if fx:
        traces.append(
            go.Scattergl(
                x=fx, y=fy, mode="lines", line={"width": 1.8, "color": FOCUS_COLOUR},
                hoverinfo="skip", showlegend=False, name="their ties",
            )
        )  # fmt: skip
        ids_per_trace.append(None)

    if colour_by == "community":
        groups = _community_groups(people)
    else:
        groups = []
        keys = [_circle_key(c) for c in people["circle"]]
        for key in (1, 2, 3, 4, None):
            mask = pd.Series([k == key for k in keys], index=people.index, dtype=bool)
            groups.append((words.circle_label(key), CIRCLE_COLOURS[key], mask))

    for name, colour, mask in groups:
        sub = people[mask.to_numpy(dtype=bool)]
        if sub.empty:
            continue
        pids = list(sub["person_id"])
        opacity = 0.92 if focus is None else [0.95 if p in focus else DIM_OPACITY for p in pids]
        traces.append(
            go.Scattergl(
                x=[positions[p][0] for p in pids], y=[positions[p][1] for p in pids],
                mode="markers", name=name,
                customdata=[[p] for p in pids],
                hovertext=hovers(sub), hoverinfo="text",
                marker={"size": [size_of[p] for p in pids], "color": colour, "opacity": opacity,
                        "line": {"width": 1, "color": "rgba(255,255,255,0.8)"}},
            )
        )  # fmt: skip
        ids_per_trace.append(pids)

    attention = people[people["status"].isin(ATTENTION)]
    if not attention.empty:
        pids = list(attention["person_id"])
        traces.append(
            go.Scattergl(
                x=[positions[p][0] for p in pids], y=[positions[p][1] for p in pids],
                mode="markers", name="Slipping away or overdue",
                customdata=[[p] for p in pids],
                hovertext=hovers(attention), hoverinfo="text",
                marker={"symbol": "circle-open", "color": NEGLECTED_COLOUR,
                        "size": [size_of[p] + 7 for p in pids],
                        "line": {"width": 2 if scale > 8 else 1.2}},
            )
        )  # fmt: skip
        ids_per_trace.append(pids)

    marked = [p for p in found if p in size_of and p != selected]
    if marked:
        traces.append(
            go.Scattergl(
                x=[positions[p][0] for p in marked], y=[positions[p][1] for p in marked],
                mode="markers", name="Found", showlegend=False, customdata=[[p] for p in marked],
                hoverinfo="skip",
                marker={"symbol": "circle-open", "size": [size_of[p] + 10 for p in marked],
                        "color": SELECTED_COLOUR, "line": {"width": 2}},
            )
        )  # fmt: skip
        ids_per_trace.append(marked)
    if selected is not None:
        x, y = positions[selected]
        traces.append(
            go.Scattergl(
                x=[x], y=[y], mode="markers", name="Selected", showlegend=False,
                customdata=[[selected]], hoverinfo="skip",
                marker={"symbol": "circle-open", "size": size_of[selected] + 14,
                        "color": SELECTED_COLOUR, "line": {"width": 3}},
            )
        )  # fmt: skip
        ids_per_trace.append([selected])

    # you, and the word "You" below the star: obstacles no name may cover
    unit = 1.0 / scale
    star_px = 22.0
    you_w, you_h = text_extent("You")
    star = Box(0.0, 0.0, (star_px + 4) * unit, (star_px + 4) * unit)
    you = Box(0.0, -(star_px / 2 + 2 + you_h / 2) * unit, (you_w + 4) * unit, (you_h + 2) * unit)
    obstacles = [star, you]
    titles = _band_titles(layout, colour_by, people, unit)
    obstacles += [b for _, b in titles]
    names = dict(zip(people["person_id"], people["name"].map(_name_text), strict=True))
    order = list(
        people.assign(_s=people["tie_strength"].fillna(-1.0)).sort_values(
            ["_s", "person_id"], ascending=[False, True], kind="stable"
        )["person_id"]
    )
    forced = ([selected] if selected is not None else []) + list(marked)
    labels = place_labels(
        positions, names, order, scale, bounds=lim, dot_px=size_of, forced=forced,
        obstacles=obstacles, max_labels=LABELLED_AT_MOST, avoid_dots=len(shown) < CROWDED,
    )  # fmt: skip
    traces.append(
        go.Scattergl(
            x=[0.0], y=[0.0], mode="markers", name="You", hovertext=["You"], hoverinfo="text",
            showlegend=False, marker={"symbol": "star", "size": star_px, "color": YOU_COLOUR},
        )
    )  # fmt: skip
    ids_per_trace.append(None)
    leaders_x: list[float | None] = []
    leaders_y: list[float | None] = []
    for lab in labels:
        x, y = positions[lab.node]
        if (
            math.hypot(lab.box.x - x, lab.box.y - y)
            > (size_of[lab.node] / 2 + 6) * unit + max(lab.box.h, lab.box.w) / 2
        ):
            leaders_x += [x, lab.box.x, None]
            leaders_y += [y, lab.box.y, None]
    if leaders_x:
        traces.append(
            go.Scattergl(
                x=leaders_x, y=leaders_y, mode="lines", hoverinfo="skip", showlegend=False,
                name="leaders", line={"width": 0.8, "color": SELECTED_COLOUR},
            )
        )  # fmt: skip
        ids_per_trace.append(None)

    # shapes and annotations are given to the figure at once: adding them one by one costs
    # plotly a re-validation of the whole list each time (quadratic)
    shapes = [
        {"type": "circle", "x0": cx - r, "y0": cy - r, "x1": cx + r, "y1": cy + r,
         "layer": "below", "line": {"color": RING_COLOUR, "width": 1, "dash": "dot"}}
        for cx, cy, r in _guides(layout, colour_by)
    ]  # fmt: skip
    items = [
        ("label-you", you.x, you.y, "You"),
        *(("label-title", b.x, b.y, f"<b>{hover_safe(t)}</b>") for t, b in titles),
        *(("label", lab.box.x, lab.box.y, hover_safe(lab.text)) for lab in labels),
    ]
    backing = label_bg if label_bg and len(shown) >= CROWDED else None
    annotations = [
        {"x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
         "font": {"size": FONT_PX}, "xanchor": "center", "yanchor": "middle", "name": name,
         "captureevents": False, **({"bgcolor": backing} if backing else {})}
        for name, x, y, text in items
    ]  # fmt: skip
    fig = go.Figure(traces, layout={"shapes": shapes, "annotations": annotations})
    axis = {"visible": False, "range": [-lim, lim], "fixedrange": False}
    fig.update_layout(
        height=430 if phone else 620,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        xaxis=axis,
        yaxis={**axis, "scaleanchor": "x", "scaleratio": 1},
        legend={"orientation": "h", "y": -0.02},
        dragmode="zoom",
        clickmode="event+select",
        hovermode="closest",
        hoverlabel={"namelength": 0},
        uirevision=f"network-{colour_by}-{len(shown)}",
    )
    return NetworkPicture(fig, ids_per_trace, labels, all_ties_drawn)


def _name_text(name: object) -> str:
    text = "" if name is None or (not isinstance(name, str) and pd.isna(name)) else str(name)
    return text if len(text) <= 28 else text[:27] + "…"


def group_names(people: pd.DataFrame) -> dict[int, str]:
    """community -> "Group 1", "Group 2"... by size (largest first, ties by id), as in the
    legend and the view by group; only the groups drawn on their own are named (the same rule
    as :func:`analysis.metrics.layout.group_layout`: all when they fit in
    :data:`MAX_COMMUNITY_TRACES` colours and everyone has a group, else the largest
    ``MAX_COMMUNITY_TRACES - 1``, the rest together as "Other groups")."""
    comm = people["community"].dropna().astype(int)
    counts = comm.value_counts()
    ranked = sorted(counts.index, key=lambda c: (-counts[c], c))
    everyone_fits = len(ranked) <= MAX_COMMUNITY_TRACES and len(comm) == len(people)
    top = ranked if everyone_fits else ranked[: MAX_COMMUNITY_TRACES - 1]
    return {int(c): f"Group {i + 1}" for i, c in enumerate(top)}


def _band_titles(
    layout: NetworkLayout, colour_by: str, people: pd.DataFrame, unit: float
) -> list[tuple[str, Box]]:
    """Group view: a title above each cluster ("Group 1 · 23"); none in the view by circle."""
    if colour_by != "community":
        return []
    names = group_names(people)
    out = []
    for band in layout.bands:
        title = (
            names.get(band.key, OTHER_GROUPS_WORDS)
            if band.key != OTHER_GROUPS
            else OTHER_GROUPS_WORDS
        )
        title = f"{title} · {band.members}"
        w, h = text_extent(title)
        out.append(
            (title, Box(band.cx, band.cy + band.outer + (h / 2 + 3) * unit, (w + 8) * unit, (h + 2) * unit))
        )  # fmt: skip
    return out


def _guides(layout: NetworkLayout, colour_by: str) -> list[tuple[float, float, float]]:
    """Dotted circles: between the rings (view by circle), around each cluster (by group)."""
    if colour_by == "community":
        return [(b.cx, b.cy, b.outer + 0.5) for b in layout.bands]
    out = []
    bands = list(layout.bands)
    for i, b in enumerate(bands):
        if i + 1 < len(bands):
            out.append((0.0, 0.0, (b.outer + bands[i + 1].inner) / 2))
        else:
            out.append((0.0, 0.0, b.outer + 0.8))
    return out


OTHER_GROUPS_WORDS = "Other groups"


def _community_groups(people: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    comm = [None if pd.isna(v) else int(v) for v in people["community"]]
    names = group_names(people)
    groups = []
    for i, (c, name) in enumerate(names.items()):
        mask = pd.Series([v == c for v in comm], index=people.index, dtype=bool)
        groups.append((name, COMMUNITY_COLOURS[i], mask))
    rest = pd.Series([v not in names for v in comm], index=people.index, dtype=bool)
    groups.append((OTHER_GROUPS_WORDS, OTHER_COLOUR, rest))
    return groups


def table_order(people: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`network_table`, in its order: strongest tie first, then by id."""
    return (
        people.assign(_s=people["tie_strength"].fillna(-1.0))
        .sort_values(["_s", "person_id"], ascending=[False, True], kind="stable")
        .drop(columns="_s")
    )


def network_table(people: pd.DataFrame, graph: nx.Graph, colour_by: str = "circle") -> pd.DataFrame:
    """The network picture as a table (its text equivalent): one row per person shown, in the
    order of the picture's names (strongest tie first), with circle, group, status, tie
    strength, last contact and how many of the people shown they know."""
    shown = set(people["person_id"])
    names = group_names(people)
    ordered = table_order(people)
    knows = [
        sum(1 for n in graph.neighbors(p) if n in shown) if p in graph else 0
        for p in ordered["person_id"]
    ]
    return pd.DataFrame(
        {
            "Name": ordered["name"].astype(str).to_numpy(),
            "Circle": [words.circle_label(c) for c in ordered["circle"]],
            "Group": [
                OTHER_GROUPS_WORDS if pd.isna(c) else names.get(int(c), OTHER_GROUPS_WORDS)
                for c in ordered["community"]
            ],
            "Status": [words.status_label(s) for s in ordered["status"]],
            "Tie strength": [
                None if pd.isna(t) else round(100 * float(t)) for t in ordered["tie_strength"]
            ],
            "Last contact": [words.ago(d) for d in ordered["days_since"]],
            "Knows (of those shown)": knows,
        }
    )


def group_lines(people: pd.DataFrame) -> list[str]:
    """One line per group of the view by group, largest first: ``Group 1 — 12 people, mostly
    work: Ana Lima, Bo Berg, Cy Ng and 9 more`` (strongest ties named first), then the other
    groups together."""
    names = group_names(people)
    ordered = people.assign(_s=people["tie_strength"].fillna(-1.0)).sort_values(
        ["_s", "person_id"], ascending=[False, True], kind="stable"
    )
    comm = [None if pd.isna(v) else int(v) for v in ordered["community"]]
    lines = []
    for c, title in [*names.items(), (None, OTHER_GROUPS_WORDS)]:
        mask = [v not in names for v in comm] if c is None else [v == c for v in comm]
        sub = ordered[mask]
        if sub.empty:
            continue
        summary = words.group_summary(
            [str(n) for n in sub["name"]], list(sub["roles"]) if "roles" in sub else [], len(sub)
        )
        lines.append(f"{title} — {summary}")
    return lines


def chart_table(fig: go.Figure) -> pd.DataFrame:
    """A bar chart's numbers as a table (its text equivalent): one row per x value, one column
    per bar trace (named as in the legend)."""
    frames = []
    for tr in fig.data:
        if tr.type != "bar":
            continue
        x = pd.to_datetime(pd.Series(list(tr.x)), errors="coerce")
        label = x.dt.strftime("%B %Y") if x.notna().all() else pd.Series(list(tr.x)).astype(str)
        frames.append(pd.Series(list(tr.y), index=label.to_numpy(), name=str(tr.name)))
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, axis=1).fillna(0)
    table.index.name = "Month"
    return table.reset_index()


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
