"""Decoding files written by different tools."""

from __future__ import annotations

from analysis.importers.text import decode, guess_encoding, looks_binary

TEXT = "Name,E-mail\nJosé Müller,jose@example.org\n"


def test_utf8_with_and_without_bom():
    assert decode(TEXT.encode("utf-8"))[0] == TEXT
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == (TEXT, "utf-8-sig")


def test_utf16_with_bom_and_without():
    assert decode(TEXT.encode("utf-16"))[0] == TEXT
    assert guess_encoding(TEXT.encode("utf-16-le")) == "utf-16-le"
    assert decode(TEXT.encode("utf-16-le"))[0] == TEXT


def test_cp1252_fallback_keeps_accents():
    assert decode(TEXT.encode("cp1252")) == (TEXT, "cp1252")


def test_binary_content_is_recognised():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert not looks_binary(TEXT.encode("utf-16"))
    assert not looks_binary(TEXT.encode("utf-8"))
