"""Where to draw each person in the picture of the support network: a radial, ego-centred layout.

``me`` sits at the centre; each person sits on the ring of their circle (1 = innermost, the
Dunbar layers of :mod:`analysis.metrics.circles`), people without a circle on an outer ring. Each ring is
filled evenly all the way round, in the same order of communities (largest first) on every
ring, so people who know each other sit next to each other and, roughly, on the same side of the
picture whichever ring they are on; within a community, stronger ties come first. The same inputs always give the same positions (no randomness), and the
cost is ``O(n log n)``: fine for thousands of people.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx
import pandas as pd

CENTRE = "me"
"""The node of the user in the ego graph."""

RING_RADIUS: dict[int, float] = {1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0}
"""Ring radius of each circle (equal steps: the picture shows order, not distance)."""

OUTER_RADIUS = 5.0
"""Ring of people with no circle (no contact in the data, or not in ``people``)."""

_NO_COMMUNITY = -1


def radial_layout(
    graph: nx.Graph, people: pd.DataFrame, centre: Hashable = CENTRE
) -> dict[Hashable, tuple[float, float]]:
    """Positions ``{node: (x, y)}`` for every node of ``graph``.

    ``people`` is the engine's per-person table (:class:`analysis.engine.Analysis.people`); the
    columns used are ``person_id``, ``circle`` (1..4 or missing), ``community`` (int or missing)
    and ``tie_strength`` (0..1). Graph nodes absent from ``people`` go on the outer ring with no
    community. ``centre`` is placed at ``(0, 0)``.

    Angles: on each ring, people are spread evenly over the full turn, starting at the top
    (12 o'clock) and running clockwise, ordered by community (largest community first, people
    without one last), then strongest tie first, then ``person_id``.
    """
    info = _person_info(people)
    nodes = [n for n in graph.nodes if n != centre]
    rows = []
    for node in nodes:
        circle, community, strength = info.get(node, (None, _NO_COMMUNITY, 0.0))
        radius = RING_RADIUS.get(circle, OUTER_RADIUS) if circle is not None else OUTER_RADIUS
        rows.append((community, radius, -strength, str(node), node))

    positions: dict[Hashable, tuple[float, float]] = {}
    if centre in graph:
        positions[centre] = (0.0, 0.0)
    if not rows:
        return positions

    sizes: dict[int, int] = {}
    for community, *_ in rows:
        sizes[community] = sizes.get(community, 0) + 1
    # Largest community first; "no community" last; ties by id.
    order = sorted(sizes, key=lambda c: (c == _NO_COMMUNITY, -sizes[c], c))
    rank = {c: i for i, c in enumerate(order)}

    by_ring: dict[float, list[tuple]] = {}
    for row in rows:
        by_ring.setdefault(row[1], []).append(row)
    for radius, members in by_ring.items():
        members.sort(key=lambda r: (rank[r[0]], r[2], r[3]))
        step = 2 * math.pi / len(members)
        for i, (_, _, _, _, node) in enumerate(members):
            angle = step * (i + 0.5)
            # clockwise from 12 o'clock
            positions[node] = (radius * math.sin(angle), radius * math.cos(angle))
    return positions


def _person_info(people: pd.DataFrame) -> dict[Hashable, tuple[int | None, int, float]]:
    """person_id -> (circle or None, community or -1, tie strength)."""
    out: dict[Hashable, tuple[int | None, int, float]] = {}
    if people is None or people.empty:
        return out
    circles = people["circle"] if "circle" in people else pd.Series(pd.NA, index=people.index)
    comms = people["community"] if "community" in people else pd.Series(pd.NA, index=people.index)
    strengths = (
        people["tie_strength"] if "tie_strength" in people else pd.Series(0.0, index=people.index)
    )
    for pid, circle, comm, strength in zip(
        people["person_id"], circles, comms, strengths, strict=True
    ):
        c = None if pd.isna(circle) else int(circle)
        k = _NO_COMMUNITY if pd.isna(comm) else int(comm)
        s = 0.0 if pd.isna(strength) else float(strength)
        out[pid] = (c, k, s)
    return out
