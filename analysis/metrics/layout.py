"""Where to draw each person in the picture of the support network, and which names fit.

Two families of pure, deterministic functions (no randomness, no UI):

* :func:`ring_layout` and :func:`group_layout` lay out *the people shown* (after any filter):
  rings sized to their members (view by circle) or one cluster per group (view by group), two
  dots never closer than :data:`SPACING`; :func:`place_labels` then writes names only where they
  fit (greedy, no two labels overlapping, never over "You"), checked by
  :func:`overlapping_pairs`. The dashboard's network page uses these.
* :func:`radial_layout` (below) places every node of the graph on fixed rings 1..5; the Circles
  page's overview picture uses it.

The radial layout:

``me`` sits at the centre; each person sits on the ring of their circle (1 = innermost, the
Dunbar layers of :mod:`analysis.metrics.circles`), people without a circle on an outer ring. Each ring is
filled evenly all the way round, in the same order of communities (largest first) on every
ring, so people who know each other sit next to each other and, roughly, on the same side of the
picture whichever ring they are on; within a community, stronger ties come first. The same inputs always give the same positions (no randomness), and the
cost is ``O(n log n)``: fine for thousands of people.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

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


# ---------------------------------------------------------------------------------------------
# The picture of what is shown: rings sized to their members, groups as clusters, and labels
# only where they fit.
#
# Distances below are in "spacing units": two dots are never closer than ``spacing`` (1.0 by
# default). The dashboard scales the picture to the plot, so one unit becomes a number of pixels
# (``scale``) and the label placement works in those pixels.

SPACING = 1.0
"""Minimum distance between two dots (data units; the picture is scaled to fit the plot)."""

FIRST_RING = 2.2
"""Radius of the innermost ring at least: room for you (the star) and the word "You"."""

RING_GAP = 1.6
"""Gap between the outer track of one ring and the first track of the next (in spacings): wider
than the gap between tracks of one ring, so the rings read as rings."""

CLUSTER_GAP = 1.6
"""Gap between two groups' clusters in the view by group (in spacings)."""

MAX_CLUSTERS = 10
"""Groups drawn as clusters of their own; smaller groups share one cluster (as many as the
figure's distinct group colours)."""

OTHER_GROUPS = -2
"""Cluster key of the people of the smaller groups and of people in no group."""


@dataclass(frozen=True)
class Band:
    """One ring (view by circle: ``cx = cy = 0``) or one cluster (view by group) of the picture.

    ``key`` is the circle (1..4, None for no circle) or the community (:data:`OTHER_GROUPS` for
    the rest); ``inner`` and ``outer`` are the radii of its first and last track around
    ``(cx, cy)``; ``members`` is how many people it holds."""

    key: object
    cx: float
    cy: float
    inner: float
    outer: float
    members: int


@dataclass(frozen=True)
class NetworkLayout:
    """Positions ``{person_id: (x, y)}`` (the centre at ``(0, 0)``), the rings or clusters, and
    ``extent``: the largest distance from the centre of any dot (at least the first ring)."""

    positions: dict[Hashable, tuple[float, float]]
    bands: tuple[Band, ...]
    extent: float


def _track_slots(n: int, inner: float, spacing: float) -> list[tuple[float, float]]:
    """``n`` slots ``(radius, angle)`` on concentric tracks from radius ``inner`` outwards, one
    ``spacing`` apart, every track filled evenly all round: track ``j`` (radius ``r_j``) holds at
    most ``floor(2 pi r_j / spacing)`` (1 at radius 0), and the people are shared between the
    tracks in proportion to their circumference (largest remainder), so the dots are evenly
    spread over the whole band and no two are closer than ``spacing``. The slots come sorted by
    angle (clockwise from 12 o'clock), then radius."""
    if n <= 0:
        return []
    radii: list[float] = []
    caps: list[int] = []
    total = 0
    r = inner
    while total < n:
        cap = 1 if r < 1e-9 else max(1, int(2 * math.pi * r / spacing))
        radii.append(r)
        caps.append(cap)
        total += cap
        r += spacing
    # share n between the tracks in proportion to their capacity, never above it
    weights = [float(c) for c in caps]
    wsum = sum(weights)
    raw = [n * w / wsum for w in weights]
    counts = [min(c, int(x)) for c, x in zip(caps, raw, strict=True)]
    order = sorted(range(len(caps)), key=lambda j: (-(raw[j] - int(raw[j])), j))
    left = n - sum(counts)
    while left > 0:
        for j in order:
            if left and counts[j] < caps[j]:
                counts[j] += 1
                left -= 1
    slots: list[tuple[float, float, int]] = []
    for j, (radius, k) in enumerate(zip(radii, counts, strict=True)):
        # stagger the tracks by half a step so neighbours on two tracks are not in one line
        offset = 0.5 if j % 2 == 0 else 0.0
        for i in range(k):
            slots.append((2 * math.pi * (i + offset) / k, radius, j))
    slots.sort(key=lambda s: (s[0], s[2]))
    return [(radius, angle) for angle, radius, _ in slots]


def _xy(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    """Clockwise from 12 o'clock."""
    return (cx + radius * math.sin(angle), cy + radius * math.cos(angle))


def _rows(people: pd.DataFrame, centre: Hashable) -> list[tuple[Hashable, int | None, int, float]]:
    info = _person_info(people)
    out = []
    for pid in people["person_id"] if people is not None and len(people) else []:
        if pid == centre:
            continue
        circle, community, strength = info[pid]
        if circle not in RING_RADIUS:
            circle = None
        out.append((pid, circle, community, strength))
    return out


def _community_rank(rows: list[tuple[Hashable, int | None, int, float]]) -> dict[int, int]:
    """Community -> rank: largest first, "no community" last, ties by id."""
    sizes: dict[int, int] = {}
    for _, _, community, _ in rows:
        sizes[community] = sizes.get(community, 0) + 1
    order = sorted(sizes, key=lambda c: (c == _NO_COMMUNITY, -sizes[c], c))
    return {c: i for i, c in enumerate(order)}


def ring_layout(
    people: pd.DataFrame, centre: Hashable = CENTRE, spacing: float = SPACING
) -> NetworkLayout:
    """The view by circle of the people given (those shown, after any filter): you at the
    centre, each circle a ring (1 innermost, people without a circle outermost), each ring as
    wide as its members need.

    A ring's people are spread evenly all round on one track, or on several tracks one
    ``spacing`` apart when one track would bring two dots closer than ``spacing``
    (:func:`_track_slots`), so the radius grows with the number of members (roughly with its
    square root once the ring has several tracks) and dots never crowd. Around each ring people
    are ordered by community (largest first), then strongest tie first, then id, clockwise from
    12 o'clock, so people who know each other sit together and on the same side on every ring.
    Columns used: ``person_id``, ``circle``, ``community``, ``tie_strength`` (see
    :func:`radial_layout`). Deterministic; ``O(n log n)``.
    """
    rows = _rows(people, centre)
    rank = _community_rank(rows)
    by_ring: dict[int | None, list[tuple[Hashable, int | None, int, float]]] = {}
    for row in rows:
        by_ring.setdefault(row[1], []).append(row)
    positions: dict[Hashable, tuple[float, float]] = {}
    bands: list[Band] = []
    inner = FIRST_RING * spacing
    for key in (1, 2, 3, 4, None):
        members = by_ring.get(key)
        if not members:
            continue
        members.sort(key=lambda r: (rank[r[2]], -r[3], str(r[0])))
        slots = _track_slots(len(members), inner, spacing)
        for (pid, *_), (radius, angle) in zip(members, slots, strict=True):
            positions[pid] = _xy(0.0, 0.0, radius, angle)
        outer = max(radius for radius, _ in slots)
        bands.append(Band(key, 0.0, 0.0, inner, outer, len(members)))
        inner = outer + RING_GAP * spacing
    extent = max((b.outer for b in bands), default=FIRST_RING * spacing)
    return NetworkLayout(positions, tuple(bands), extent)


def group_layout(
    people: pd.DataFrame,
    centre: Hashable = CENTRE,
    spacing: float = SPACING,
    max_clusters: int = MAX_CLUSTERS,
) -> NetworkLayout:
    """The view by group: each community (people who know each other) a cluster of its own
    around you, the ``max_clusters - 1`` largest on their own and the rest (smaller groups, no
    group) together in one last cluster keyed :data:`OTHER_GROUPS`.

    Inside a cluster people fill tracks from its middle outwards (closest circle, then strongest
    tie first), one ``spacing`` apart, so a cluster's radius grows with the square root of its
    size. The clusters sit on one ring around the centre, largest first from 12 o'clock
    clockwise, each given an arc in proportion to its width; the ring is widened until no two
    clusters come closer than :data:`CLUSTER_GAP` and none reaches the centre's room.
    """
    rows = _rows(people, centre)
    rank = _community_rank(rows)
    ranked = [c for c, _ in sorted(rank.items(), key=lambda kv: kv[1]) if c != _NO_COMMUNITY]
    own = set(ranked[: max(max_clusters - 1, 0)])
    if len(ranked) == len(own) and not any(r[2] == _NO_COMMUNITY for r in rows):
        own = set(ranked[:max_clusters])
    clusters: dict[int, list[tuple[Hashable, int | None, int, float]]] = {}
    for row in rows:
        key = row[2] if row[2] in own else OTHER_GROUPS
        clusters.setdefault(key, []).append(row)
    keys = sorted(clusters, key=lambda k: (k == OTHER_GROUPS, rank.get(k, 0)))
    local: dict[int, list[tuple[Hashable, float, float]]] = {}
    radius_of: dict[int, float] = {}
    for key in keys:
        members = clusters[key]
        members.sort(key=lambda r: (5 if r[1] is None else r[1], -r[3], str(r[0])))
        slots = _track_slots(len(members), 0.0, spacing)
        local[key] = [(m[0], r, a) for m, (r, a) in zip(members, slots, strict=True)]
        radius_of[key] = max(r for r, _ in slots) + spacing / 2
    positions: dict[Hashable, tuple[float, float]] = {}
    if not keys:
        return NetworkLayout(positions, (), FIRST_RING * spacing)
    gap = CLUSTER_GAP * spacing
    widths = [2 * radius_of[k] + gap for k in keys]
    total = sum(widths)
    ring = max(FIRST_RING * spacing + max(radius_of.values()) + gap, total / (2 * math.pi))
    if len(keys) == 1:
        ring = FIRST_RING * spacing + radius_of[keys[0]] + gap
    while True:
        centres = []
        start = 0.0
        for w in widths:
            angle = 2 * math.pi * (start + w / 2) / total
            centres.append(_xy(0.0, 0.0, ring, angle))
            start += w
        if _clusters_apart(centres, [radius_of[k] for k in keys], gap):
            break
        ring *= 1.1
    bands = []
    for key, (cx, cy) in zip(keys, centres, strict=True):
        for pid, r, a in local[key]:
            positions[pid] = _xy(cx, cy, r, a)
        bands.append(Band(key, cx, cy, 0.0, radius_of[key], len(local[key])))
    extent = max(math.hypot(b.cx, b.cy) + b.outer for b in bands)
    return NetworkLayout(positions, tuple(bands), extent)


def _clusters_apart(centres: list[tuple[float, float]], radii: list[float], gap: float) -> bool:
    for i in range(len(centres)):
        for j in range(i + 1, len(centres)):
            d = math.dist(centres[i], centres[j])
            if d < radii[i] + radii[j] + gap:
                return False
    return True


# ---------------------------------------------------------------------------------------------
# labels

FONT_PX = 12.0
"""Font size of the names in the picture, in CSS pixels."""

CHAR_EM: dict[str, float] = {
    **dict.fromkeys("iljtfrI.,;:'!|()[] ", 0.36),
    **dict.fromkeys("mwMW@", 0.92),
    **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ&%", 0.72),
}
"""Estimated advance of characters in em of a sans-serif font, generous on purpose (measured
widths of Arial/Helvetica/Source Sans are within these): narrow letters and punctuation, wide
ones (m, w, M, W, @), other capitals; any other character counts :data:`DEFAULT_EM`."""

DEFAULT_EM = 0.6
"""Advance of a character not in :data:`CHAR_EM` (lower case, digits, accented letters)."""

WIDE_EM = 1.05
"""Advance of an East Asian wide character (CJK, kana, Hangul, emoji)."""

LINE_EM = 1.3
"""Height of a line of text, in em (the glyphs' ascent plus descent, with a little air)."""

LABEL_PAD_PX = 2.0
"""Air kept around each label, in pixels."""

MAX_MISSES = 120
"""Consecutive nodes without room after which the placement stops: the picture is full."""

MAX_TRIED = 400
"""Nodes (after the forced ones) tried for a label at most: past the few hundred strongest ties
a dense picture has no room left, and trying everyone would cost time for nothing."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in data units: centre ``(x, y)``, ``w`` wide, ``h`` high."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any area (touching edges do not count)."""
        return (
            abs(self.x - other.x) * 2 < self.w + other.w
            and abs(self.y - other.y) * 2 < self.h + other.h
        )


@dataclass(frozen=True)
class Label:
    """A name placed in the picture: ``node``, ``text`` and its ``box`` (data units; the text
    is drawn centred in it)."""

    node: Hashable
    text: str
    box: Box


def text_extent(text: str, font_px: float = FONT_PX) -> tuple[float, float]:
    """Estimated ``(width, height)`` in pixels of one line of ``text`` at ``font_px``: the sum of
    per-character advances (:data:`CHAR_EM`, :data:`DEFAULT_EM`, :data:`WIDE_EM`) and
    :data:`LINE_EM` of height. An estimate on the generous side: a label may be given a little
    more room than it takes, never less."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x1100 and _wide(ch):
            width += WIDE_EM
        else:
            width += CHAR_EM.get(ch, DEFAULT_EM)
    return width * font_px, LINE_EM * font_px


def _wide(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1100 <= cp <= 0x115F
        or 0x2E80 <= cp <= 0xA4CF
        or 0xAC00 <= cp <= 0xD7A3
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFF60
        or 0x1F300 <= cp <= 0x1FAFF
        or 0x20000 <= cp <= 0x3FFFD
    )


class _Grid:
    """Boxes bucketed by a square grid, so checking a candidate costs its neighbourhood only."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, b: Box) -> list[tuple[int, int]]:
        c = self.cell
        x0, x1 = math.floor((b.x - b.w / 2) / c), math.floor((b.x + b.w / 2) / c)
        y0, y1 = math.floor((b.y - b.h / 2) / c), math.floor((b.y + b.h / 2) / c)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add(self, b: Box) -> None:
        for k in self._keys(b):
            self.cells.setdefault(k, []).append(b)

    def hits(self, b: Box) -> bool:
        for k in self._keys(b):
            for other in self.cells.get(k, ()):
                if b.overlaps(other):
                    return True
        return False


def place_labels(
    positions: Mapping[Hashable, tuple[float, float]],
    texts: Mapping[Hashable, str],
    order: Sequence[Hashable],
    scale: float,
    *,
    bounds: float,
    dot_px: Mapping[Hashable, float] | None = None,
    forced: Sequence[Hashable] = (),
    obstacles: Sequence[Box] = (),
    font_px: float = FONT_PX,
    max_labels: int | None = None,
    avoid_dots: bool = True,
) -> list[Label]:
    """Names placed where they fit: a greedy, deterministic placement without overlaps.

    ``positions``: the dots (data units); ``texts``: the name of each node to label; ``order``:
    the nodes in order of importance (strongest tie first); ``scale``: pixels per data unit;
    ``bounds``: labels stay inside ``[-bounds, bounds]`` on both axes; ``dot_px``: each dot's
    diameter in pixels (default 8). ``forced`` nodes (the selected person, search hits) are
    placed first and further from their dot if need be; ``obstacles`` (you, your label, group
    titles) are never covered. ``avoid_dots=False`` (a crowded picture, where every spot covers
    some dot) lets names cover dots, never each other.

    For each node, in that order, the candidate spots are above, below, right, left and the four
    corners of its dot (forced nodes: then ever further above and below); the first spot that
    overlaps no placed label, no obstacle and (for nodes not forced) no other dot is taken; a
    node with no such spot is left unlabelled (its name shows on hover or tap); only the first
    :data:`MAX_TRIED` nodes of ``order`` are tried, and the placement stops after
    :data:`MAX_MISSES` misses in a row. Text extents
    come from :func:`text_extent`; every label keeps :data:`LABEL_PAD_PX` of air. Cost: about
    ``O(n)`` with a grid over the boxes. The boxes returned never overlap each other or an
    obstacle (:func:`overlapping_pairs` finds none).
    """
    if scale <= 0:
        return []
    dot_px = dot_px or {}
    unit = 1.0 / scale  # data units per pixel
    pad = LABEL_PAD_PX * unit
    cell = max(24.0 * unit, 1e-9)
    placed = _Grid(cell)
    for ob in obstacles:
        placed.add(ob)
    dots = _Grid(cell)
    dot_boxes: dict[Hashable, Box] = {}
    for node, (x, y) in positions.items():
        d = 0.8 * dot_px.get(node, 8.0) * unit
        dot_boxes[node] = Box(x, y, d, d)
        dots.add(dot_boxes[node])
    out: list[Label] = []
    seen: set[Hashable] = set()
    forced_set = set(forced)
    queue = [n for n in forced if n in positions and n in texts]
    queue += [n for n in order if n in positions and n in texts and n not in forced_set][:MAX_TRIED]
    misses = 0
    for node in queue:
        if node in seen:
            continue
        seen.add(node)
        is_forced = node in forced_set
        if max_labels is not None and len(out) >= max_labels and not is_forced:
            break
        text = str(texts[node])
        if not text.strip():
            continue
        w_px, h_px = text_extent(text, font_px)
        w, h = w_px * unit + 2 * pad, h_px * unit + 2 * pad
        x, y = positions[node]
        r = (dot_px.get(node, 8.0) / 2 + 1.0) * unit
        spots = [
            (x, y + r + h / 2), (x, y - r - h / 2), (x + r + w / 2, y), (x - r - w / 2, y),
            (x + r + w / 2, y + r + h / 2), (x - r - w / 2, y + r + h / 2),
            (x + r + w / 2, y - r - h / 2), (x - r - w / 2, y - r - h / 2),
        ]  # fmt: skip
        if is_forced:
            for k in range(1, 13):
                spots += [(x, y + r + h / 2 + k * h), (x, y - r - h / 2 - k * h)]
        own = dot_boxes.get(node)
        before = len(out)
        for sx, sy in spots:
            box = Box(sx, sy, w, h)
            if abs(sx) + w / 2 > bounds or abs(sy) + h / 2 > bounds:
                continue
            if placed.hits(box):
                continue
            if avoid_dots and not is_forced and _covers_other_dot(box, dots, own):
                continue
            placed.add(box)
            out.append(Label(node, text, box))
            break
        misses = 0 if len(out) > before else misses + 1
        if misses >= MAX_MISSES:
            break
    return out


def _covers_other_dot(box: Box, dots: _Grid, own: Box | None) -> bool:
    for k in dots._keys(box):
        for d in dots.cells.get(k, ()):
            if d is not own and box.overlaps(d):
                return True
    return False


def overlapping_pairs(boxes: Sequence[Box]) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of boxes that overlap (share any area). Used to check
    the label placement; ``O(n^2)`` over a few hundred boxes at most."""
    out = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[i].overlaps(boxes[j]):
                out.append((i, j))
    return out
