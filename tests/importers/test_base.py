"""The file as the user brought it: its identity (the SHA-256 of its bytes) and its heads'."""

from __future__ import annotations

import hashlib

import pytest

from analysis.importers.base import SourceFile

DATA = b"timestamp,contact,channel\n" + b"".join(
    f"2024-01-{d:02d} 10:00,Ana,call\n".encode() for d in range(1, 29)
)


@pytest.mark.parametrize("digest_first", [False, True])
def test_the_heads_and_the_whole_file_are_hashed_as_hashlib_hashes_them(digest_first):
    src = SourceFile("log.csv", DATA)
    if digest_first:
        assert src.digest == hashlib.sha256(DATA).hexdigest()
    sizes = [len(DATA) // 3, 26, len(DATA) // 3, len(DATA)]
    heads = src.prefix_digests(sizes)
    assert heads == {n: hashlib.sha256(DATA[:n]).hexdigest() for n in set(sizes)}
    assert src.digest == hashlib.sha256(DATA).hexdigest()
    assert SourceFile("log.csv", DATA).prefix_digests([]) == {}
