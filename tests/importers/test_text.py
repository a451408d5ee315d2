"""Decoding files written by different tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.importers import text as text_module
from analysis.importers.text import (
    Decoded,
    decode,
    decode_text,
    encoding_name,
    guess_encoding,
    looks_binary,
)

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


# --- one decision per file, by a detector for files that are not UTF-8 ---------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

CZECH = "Zdeněk,Pospíšil,zdenek.pospisil@seznam.cz,+420 720 787 878,Železárny Třinec,Třinec"
RUSSIAN = "Анна,Козлова,anna.kozlova@yandex.ru,+7 916 121-31-41,Издательство «Наука»"
WESTERN = "Günther,Schäfer,guenther.schaefer@gmx.de,+49 160 9876543,Schäfer & Söhne GmbH"
JAPANESE = "山田 太郎"
CHINESE = "张伟"


@pytest.mark.parametrize(
    ("path", "encoding", "expected"),
    [
        ("csv/contacts_cs_cp1250.csv", "cp1250", CZECH),
        ("csv/contacts_ru_cp1251.csv", "cp1251", RUSSIAN),
        ("csv/contacts_western_cp1252.csv", "cp1252", WESTERN),
        ("csv/contacts_ru_utf16le_nobom.csv", "utf-16-le", RUSSIAN),
        ("vcard/ja_shift_jis.vcf", "cp932", JAPANESE),
        ("vcard/zh_gb18030.vcf", "gb18030", CHINESE),
    ],
)
def test_legacy_encodings_are_detected_from_the_content(path, encoding, expected):
    data = (FIXTURES / path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    dec = decode_text(data)
    assert dec.encoding == encoding
    assert expected in dec.text
    assert "\ufffd" not in dec.text


def test_latin_code_pages_that_read_a_text_alike_are_named_cp1252():
    # é, ü, ç are the same bytes in cp1250 and cp1252: the common one is named
    assert decode_text("Renée Müller,Françoise\n".encode("cp1252")).encoding == "cp1252"


def test_czech_is_not_read_as_western_european():
    data = "Kateřina Svobodová\nOndřej Němec\nTomáš Procházka\n".encode("cp1250")
    assert decode_text(data).text == "Kateřina Svobodová\nOndřej Němec\nTomáš Procházka\n"


def test_utf8_files_never_call_the_detector(monkeypatch):
    def boom(sample: bytes) -> str:
        raise AssertionError("the detector ran on a UTF-8 file")

    monkeypatch.setattr(text_module, "detect_legacy", boom)
    assert decode_text(TEXT.encode("utf-8")) == Decoded(TEXT, "utf-8")
    assert decode_text(TEXT.encode("utf-16")).encoding == "utf-16"
    assert guess_encoding(TEXT.encode("utf-8")) == "utf-8"


def test_a_head_cut_inside_a_utf8_character_is_still_utf8():
    data = ("Name\n" + "Zoë " * 20).encode("utf-8")
    assert guess_encoding(data[:-1]) == "utf-8"


def test_mostly_utf8_file_keeps_its_utf8_lines_and_names_the_others():
    data = "a,b\nJosé,1\n".encode() + "Müller,2\n".encode("cp1252") + "Zoë,3\n".encode()
    dec = decode_text(data)
    assert dec.text == "a,b\nJosé,1\nMüller,2\nZoë,3\n"
    assert (dec.encoding, dec.legacy, dec.mixed_lines) == ("utf-8 + cp1252", "cp1252", (3,))


def test_cjk_lines_that_happen_to_be_valid_utf8_do_not_make_a_mixed_file():
    data = (FIXTURES / "vcard" / "ja_shift_jis.vcf").read_bytes()
    dec = decode_text(data)
    assert dec.mixed_lines == ()
    assert "佐藤 花子" in dec.text


def test_encoding_names_read_as_people_know_them():
    assert encoding_name("cp1252") == "Windows-1252"
    assert encoding_name("cp932") == "Shift_JIS"
    assert encoding_name("koi8_r") == "koi8_r"
