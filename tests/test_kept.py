"""Results kept in the process by key (analysis.kept)."""

from __future__ import annotations

import threading

from analysis.kept import Kept


def test_the_least_recently_used_value_goes_first():
    kept = Kept[int](2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the most recent
    kept.put("c", 3)
    assert kept.get("b") is None and kept.get("a") == 1 and kept.get("c") == 3
    assert [k for k, _ in kept.newest_first()] == ["c", "a"]


def test_threads_putting_at_once_leave_at_most_size_values():
    kept = Kept[int](3)

    def put_many(base: int) -> None:
        for i in range(500):
            kept.put((base, i), i)
            kept.get((base, i - 1))

    threads = [threading.Thread(target=put_many, args=(b,)) for b in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(kept.newest_first()) == 3
