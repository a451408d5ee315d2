"""The list cells of the people frame (categories, organisations, relations), read many at once.

A people frame (:data:`analysis.model.PEOPLE_COLUMNS`) holds lists in some of its cells: a card's
categories, organisations, related names. The metrics that read them (the roles the cards give,
the network's weak ties) need each item with its row and, for names, its matching key
(:func:`analysis.normalize.normalize_name`). Made per cell in Python that is a function call per
person and a key per item; here the items are gathered in one pass and each distinct item is
keyed once, the plain ones column by column (:func:`analysis.identity.many_keys.name_keys`).

Example::

    >>> rows, items = flat_items([["Acme GmbH"], None, "Club", ["Acme  GmbH", "Chor"]])
    >>> rows, items
    ([0, 2, 3, 3], ['Acme GmbH', 'Club', 'Acme  GmbH', 'Chor'])
    >>> item_keys(items)
    ['acme gmbh', 'club', 'acme gmbh', 'chor']
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from analysis.identity.many_keys import name_keys

__all__ = ["as_items", "flat_items", "has_items", "item_counts", "item_keys"]


def as_items(value: Any) -> list:
    """A cell's items as a list: [] for None, NaN and "", ``[value]`` for a non-empty string
    (a single category written as text), the cell's elements otherwise."""
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [value] if value else []
    return list(value)


def has_items(value: Any) -> bool:
    """Whether :func:`as_items` of ``value`` is not empty, without making the list."""
    if value is None or isinstance(value, float):
        return False
    return len(value) > 0


def item_counts(cells: Sequence[Any]) -> list[int]:
    """How many items each cell has (:func:`as_items`)."""
    return [len(c) if type(c) is list else len(as_items(c)) for c in cells]


def flat_items(cells: Sequence[Any]) -> tuple[list[int], list]:
    """``(rows, items)``: every item of every cell (:func:`as_items`), with the position of
    its cell, in cell order."""
    counts = item_counts(cells)
    rows = np.repeat(np.arange(len(counts)), counts).tolist()
    if all(type(c) is list for c in cells):  # the people frame's cells: chained in C
        return rows, list(chain.from_iterable(cells))
    return rows, list(chain.from_iterable(as_items(c) for c in cells))


def item_keys(items: Sequence[Any]) -> list[str]:
    """:func:`~analysis.normalize.normalize_name` of each item, in order, each distinct item
    keyed once: "" for None and NaN, and an item that is not a string keyed as its text."""
    values = np.fromiter(items, dtype=object, count=len(items))  # no item read as a sequence
    try:
        codes, distinct = pd.factorize(values)  # None and NaN: code -1
    except TypeError:  # an unhashable item: each keyed as its text
        texts = [_text(v) for v in items]
        distinct_texts = list(dict.fromkeys(texts))
        keyed = dict(zip(distinct_texts, name_keys(distinct_texts), strict=True))
        return [keyed[t] for t in texts]
    keys = np.asarray([*name_keys([_text(v) for v in distinct]), ""], dtype=object)
    return keys[codes].tolist()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)
