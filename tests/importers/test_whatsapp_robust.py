"""WhatsApp import under attack: damaged zips, zip bombs, odd line ends, impossible and
unkeepable dates, quadratic traps, and property tests over random chats, bytes and zips."""

from __future__ import annotations

import contextlib
import io
import random
import struct
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import dates
from analysis.errors import CloseknitError, UnrecognisedFormatError, UnusableFileError
from analysis.importers import detect, import_file, whatsapp
from analysis.importers.base import ImportOptions, SourceFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "chat"
REGRESSIONS = FIXTURES / "regressions"
OPTS = ImportOptions(me=("Ann",))


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _patch_zip(data: bytes, **fields: int) -> bytes:
    """Set header fields of every entry (flag, method, size) in both the local and the central
    headers, as a hand-made or hostile archive would have them."""
    out = bytearray(data)
    local = {"flag": (6, "<H"), "method": (8, "<H"), "size": (22, "<I")}
    central = {"flag": (8, "<H"), "method": (10, "<H"), "size": (24, "<I")}
    for sig, table in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        pos = out.find(sig)
        while pos >= 0:
            for name, value in fields.items():
                off, fmt = table[name]
                struct.pack_into(fmt, out, pos + off, value)
            pos = out.find(sig, pos + 4)
    return bytes(out)


CHAT = (FIXTURES / "ios_one_on_one.txt").read_bytes()


def _refused(data: bytes, name: str = "WhatsApp Chat - Anna.zip") -> str:
    """The refusal of a zip by import_file, and that parse raises only CloseknitError."""
    res = import_file(SourceFile(name, data))
    assert res.report.error, "expected a refusal"
    with pytest.raises(CloseknitError):
        whatsapp.parse(SourceFile(name, data), OPTS)
    return res.report.error


def test_password_protected_zip_is_refused_saying_so():
    data = _patch_zip(_zip({"_chat.txt": CHAT}), flag=1)
    assert "password-protected" in _refused(data)
    with pytest.raises(UnusableFileError, match="password-protected"):
        whatsapp.parse(SourceFile("chat.zip", data), OPTS)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 40,  # a zip header and nothing else
        _zip({"_chat.txt": CHAT})[:200],  # cut in the middle
        b"PK\x03\x04" + bytes(range(256)) * 4,
        _patch_zip(_zip({"_chat.txt": CHAT}), method=99),  # unknown compression
        _patch_zip(_zip({"_chat.txt": CHAT}), size=10),  # sizes that lie: a bad CRC
    ],
    ids=["header-only", "truncated", "garbage", "method-99", "lying-size"],
)
def test_damaged_zip_is_a_clear_refusal_never_a_crash(data):
    error = _refused(data)
    assert "zip" in error.lower() or "unpack" in error.lower()
    with contextlib.suppress(UnrecognisedFormatError):
        whatsapp.sniff_zip(SourceFile("x.zip", data))


def test_zip_without_a_chat_is_refused():
    data = _zip({"photo.jpg": b"\xff\xd8\xff", "notes/readme.md": b"hi"})
    assert whatsapp.sniff_zip(SourceFile("x.zip", data)) is None
    with pytest.raises(UnusableFileError, match="no .txt chat"):
        whatsapp.parse(SourceFile("x.zip", data), OPTS)


def test_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = _zip({"_chat.txt": b"\x00" * (20 << 20)})  # 20 MB of zeros deflate to ~20 KB
    assert len(bomb) < 100_000
    t = time.perf_counter()
    error = _refused(bomb)
    assert "zip bomb" in error
    assert time.perf_counter() - t < 5


def test_zip_bomb_that_hides_its_size_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(whatsapp, "MAX_MEMBER_BYTES", 1 << 20)
    bomb = _patch_zip(_zip({"_chat.txt": b"1" * (3 << 20)}), size=1000)
    with pytest.raises(UnusableFileError):
        whatsapp.parse(SourceFile("x.zip", bomb), OPTS)


def test_a_line_starting_with_a_six_digit_number_is_text_not_a_crash():
    text = "123456 is my PIN\n12/03/2025, 18:04 - Ann: hi\n123456\n654321, 18:04 - x\n"
    res = whatsapp.parse(SourceFile("c.txt", text.encode()), OPTS)
    assert res.report.read == 1
    assert whatsapp.sniff("c.txt", "123456\n123456 - 1:2\n") is None


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"])
def test_every_line_ending_reads_the_same_messages(ending):
    lf = whatsapp.parse(SourceFile("c.txt", CHAT), OPTS)
    other = whatsapp.parse(SourceFile("c.txt", CHAT.replace(b"\n", ending)), OPTS)
    assert (other.report.read, other.report.imported) == (lf.report.read, lf.report.imported)
    assert other.interactions.equals(lf.interactions)


def test_mixed_line_endings_lose_no_message():
    lines = CHAT.split(b"\n")
    ends = [b"\r", b"\r\n", b"\n"]
    mixed = b"".join(line + ends[i % 3] for i, line in enumerate(lines))
    lf = whatsapp.parse(SourceFile("c.txt", CHAT), OPTS)
    res = whatsapp.parse(SourceFile("c.txt", mixed), OPTS)
    assert res.report.read == lf.report.read
    assert res.interactions.equals(lf.interactions)


def test_dates_closeknit_cannot_keep_are_skipped_with_that_reason_never_wrapped():
    text = (
        "12/03/2025, 18:04 - Bo: kept\n"
        "13/03/9999, 18:04 - Bo: far future\n"
        "13/03/1500, 18:04 - Bo: far past\n"
        "13/03/2300, 10:00 - Bo: past 2262\n"
        "14/03/2025, 09:00 - Bo: kept too\n"
    )
    res = whatsapp.parse(SourceFile("c.txt", text.encode()), OPTS)
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped) == 5
    assert [s.where for s in rep.skipped] == ["line 2", "line 3", "line 4"]
    assert {s.reason for s in rep.skipped} == {dates.OUT_OF_RANGE_REASON}
    years = {t.year for t in res.interactions["timestamp"]}
    assert years == {2025}


def test_ambiguous_dates_set_the_flag_and_dayfirst_gives_the_other_reading():
    text = b"03/04/2025, 18:04 - Bo: hi\n05/04/2025, 09:00 - Ann: hey\n"
    first = whatsapp.parse(SourceFile("c.txt", text), OPTS)
    assert first.report.ambiguous_date_order
    assert any("dashboard" in w and "--monthfirst" in w for w in first.report.warnings)
    assert first.interactions["timestamp"].iloc[0].strftime("%Y-%m-%d") == "2025-04-03"
    month = whatsapp.parse(SourceFile("c.txt", text), ImportOptions(me=("Ann",), dayfirst=False))
    assert not month.report.ambiguous_date_order
    assert month.interactions["timestamp"].iloc[0].strftime("%Y-%m-%d") == "2025-03-04"
    day = whatsapp.parse(SourceFile("c.txt", text), ImportOptions(me=("Ann",), dayfirst=True))
    assert day.interactions["timestamp"].iloc[0].strftime("%Y-%m-%d") == "2025-04-03"


def _chat_lines(n: int, seed: int = 3) -> bytes:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        d, m = 1 + i // 2000 % 28, 1 + i // 56000 % 12
        who = rnd.choice(["Ann", "Bo Li", "Carla Mendes"])
        out.append(f"{d:02d}/{m:02d}/2024, {i // 60 % 24:02d}:{i % 60:02d} - {who}: message {i}")
        if i % 7 == 0:
            out.append("a second line " * (i % 3))
    return ("\n".join(out) + "\n").encode()


def _timed(data: bytes) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        whatsapp.parse(SourceFile("c.txt", data), OPTS)
        best = min(best, time.perf_counter() - t)
    return best


def test_parse_time_grows_about_linearly_with_the_input():
    small, ten, hundred = (_timed(_chat_lines(n)) for n in (2_000, 20_000, 200_000))
    floor = max(small, 0.002)
    assert ten < 10 * 6 * floor + 0.1
    assert hundred < 100 * 6 * floor + 1.0


def test_many_distinct_near_headers_and_senders_stay_linear():
    def junk(n: int) -> bytes:
        lines = [f"12/03/2025, 18:{i % 60:02d} x{i} - not a header {i}" for i in range(n)]
        lines += [f"12/03/2025, 18:04 - Sender number {i}: hi" for i in range(n)]
        return "\n".join(lines).encode()

    small, big = _timed(junk(1_000)), _timed(junk(10_000))
    assert big < 10 * 6 * max(small, 0.002) + 0.2


# --------------------------------------------------------------------------------------------
# property tests

_LAYOUTS = [
    lambda d, m, y, h, mi: f"{d:02d}/{m:02d}/{y}, {h:02d}:{mi:02d} - ",
    lambda d, m, y, h, mi: f"{m}/{d}/{y % 100}, {(h % 12) or 12}:{mi:02d}\u202f{'AM' if h < 12 else 'PM'} - ",
    lambda d, m, y, h, mi: f"[{d:02d}.{m:02d}.{y % 100:02d}, {h:02d}:{mi:02d}:07] ",
    lambda d, m, y, h, mi: f"\u200e[{d}/{m}/{y}, {(h % 12) or 12}:{mi:02d}:00 {'a. m.' if h < 12 else 'p. m.'}] ",
    lambda d, m, y, h, mi: f"{y}/{m}/{d} {'上午' if h < 12 else '下午'}{(h % 12) or 12}:{mi:02d} - ",
    lambda d, m, y, h, mi: f"{y}. {m}. {d}. {'오전' if h < 12 else '오후'} {(h % 12) or 12}:{mi:02d} - ",
    lambda d, m, y, h, mi: f"{d}/{m}/{y + 543} {h:02d}:{mi:02d} - ",
    lambda d, m, y, h, mi: dates.ascii_digits(f"{d}/{m}/{y}، {(h % 12) or 12}:{mi:02d} {'ص' if h < 12 else 'م'} - ").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    lambda d, m, y, h, mi: f"[{h:02d}:{mi:02d}, {d:02d}/{m:02d}/{y}] ",
    lambda d, m, y, h, mi: f"R{y - 2018}/{m:02d}/{d:02d} {h:02d}:{mi:02d} - ",
]  # fmt: skip

_message = st.builds(
    lambda layout, d, m, y, h, mi, who, text: _LAYOUTS[layout](d, m, y, h, mi) + f"{who}: {text}",
    st.integers(0, len(_LAYOUTS) - 1),
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(2019, 2026),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["Ann", "Bo", "Ça Ğ", "أحمد", "王伟", "+49 151 2345678", "\u200e"]),
    st.text(max_size=30).map(lambda t: t.replace("\n", " ")),
)
_junk = st.one_of(
    st.text(max_size=40).map(lambda t: t.replace("\n", " ")),
    st.from_regex(r"\A[0-9\[\]./:, \-]{1,30}\Z"),
    st.just("123456"),
    st.just("99/99/9999, 99:99 - X: y"),
)
_chat = st.lists(st.one_of(_message, _message, _junk), max_size=25).map(
    lambda ls: "\n".join(ls).encode("utf-8")
)
_eol = st.sampled_from([b"\n", b"\r\n", b"\r"])


def _holds_the_contract(data: bytes, name: str = "c.txt", **kw: object) -> None:
    try:
        res = whatsapp.parse(SourceFile(name, data), ImportOptions(**kw))
    except CloseknitError:
        return
    rep = res.report
    assert rep.read == rep.imported + len(rep.skipped)
    assert len(res.interactions) <= max(rep.imported, 0) * 3


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_chat, _eol, st.sampled_from([None, True, False]))
def test_random_chats_in_random_layouts_keep_the_contract(data, eol, dayfirst):
    data = data.replace(b"\n", eol)
    whatsapp.sniff("c.txt", data.decode("utf-8", errors="replace"))
    _holds_the_contract(data, dayfirst=dayfirst)
    _holds_the_contract(data, me=("Ann",))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_closeknit_errors(data):
    whatsapp.sniff("c.txt", data.decode("utf-8", errors="replace"))
    _holds_the_contract(data)
    _holds_the_contract(b"PK\x03\x04" + data, name="c.zip")


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.dictionaries(
        st.sampled_from(["_chat.txt", "WhatsApp Chat with Bo.txt", "a.txt", "img.jpg", "d/"]),
        st.one_of(_chat, st.binary(max_size=200)),
        max_size=3,
    ),
    st.integers(0, 400),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)
def test_random_zips_are_read_or_refused_cleanly(members, cut, method):
    data = _zip(members, method)
    for blob in (data, data[: len(data) - cut] if cut else data):
        src = SourceFile("c.zip", blob)
        with contextlib.suppress(UnrecognisedFormatError):
            whatsapp.sniff_zip(src)
        _holds_the_contract(blob, name="c.zip")
        import_file(src)


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*")), ids=lambda p: p.name)
def test_regression_corpus_keeps_the_contract(path):
    data = path.read_bytes()
    name = "c.zip" if path.suffix == ".zip" else "c.txt"
    _holds_the_contract(data, name=name)
    _holds_the_contract(data, name=name, dayfirst=False)
    with contextlib.suppress(CloseknitError):
        detect(SourceFile(path.name, data))
