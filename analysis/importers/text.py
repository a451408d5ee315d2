"""Turning a file's bytes into text: BOMs, UTF-8, UTF-16 without BOM, and cp1252 as a fallback."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def guess_encoding(data: bytes) -> str:
    """The encoding to read ``data`` with: a BOM wins; then UTF-16 recognised by its zero bytes;
    then UTF-8 if the bytes are valid UTF-8; else cp1252 (what Outlook and older Windows tools
    write), and latin-1 as the last resort since it decodes any byte."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    sample = data[:4096]
    if len(sample) >= 4:
        even_zeros = sample[0::2].count(0)
        odd_zeros = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_zeros > 0.3 * half and even_zeros < 0.05 * half:
            return "utf-16-le"
        if even_zeros > 0.3 * half and odd_zeros < 0.05 * half:
            return "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decode(data: bytes) -> tuple[str, str]:
    """Decode a whole file. Returns ``(text, encoding)``; never raises on odd bytes."""
    enc = guess_encoding(data)
    return data.decode(enc, errors="replace"), enc


def looks_binary(data: bytes) -> bool:
    """True for content that is not text in any encoding we read (NUL bytes outside UTF-16,
    or many control characters)."""
    sample = data[:4096]
    if not sample:
        return False
    enc = guess_encoding(sample)
    if enc.startswith("utf-16") or enc.startswith("utf-32"):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > 0.1 * len(sample)
