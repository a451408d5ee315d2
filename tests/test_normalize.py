"""Normal forms that identity resolution matches on."""

from __future__ import annotations

import random

import pytest

from analysis.normalize import (
    is_non_person_email,
    looks_like_phone,
    name_generation,
    nfc,
    normalize_email,
    normalize_name,
    normalize_phone,
    strip_accents,
    transliterate,
)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0123", "US", "+14155550123"),
        ("+1 415 555 0123", "DE", "+14155550123"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("+49 (0)151 2345-6789", "US", "+4915123456789"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("tel:+44 20 7946 0958", "US", "+442079460958"),
        ("12", "US", ""),
        ("", "US", ""),
    ],
)
def test_phone_numbers_become_e164_in_the_users_region(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_short_codes_keep_their_digits():
    assert normalize_phone("22333", "DE") == "22333"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ana.Lima@Example.ORG", "ana.lima@example.org"),
        ("Ana Lima <ana@example.org>", "ana@example.org"),
        ("mailto:ben@example.com", "ben@example.com"),
        ("not an address", ""),
        ("", ""),
    ],
)
def test_email_addresses_are_lower_cased_and_unwrapped(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lima, Ana", "ana lima"),
        ("  José   Álvarez ", "jose alvarez"),
        ("ZOË O'Brien", "zoe o'brien"),
        ("Jürgen Müller-Lüdenscheidt", "jurgen muller-ludenscheidt"),
        ("Dr. Ana Lima", "ana lima"),
        ("", ""),
    ],
)
def test_names_match_across_case_accents_and_last_first_order(raw, expected):
    assert normalize_name(raw) == expected


def test_role_addresses_are_not_people():
    assert is_non_person_email("no-reply@shop.example")
    assert is_non_person_email("noreply-123@shop.example")
    assert is_non_person_email("info@club.example")
    assert not is_non_person_email("ana.lima@example.org")


def test_phone_like_values_are_told_from_names():
    assert looks_like_phone("+49 151 2345 6789")
    assert looks_like_phone("(415) 555-0123")
    assert not looks_like_phone("Ana Lima")
    assert not looks_like_phone("R2D2")


# --- name keys: transliteration, titles, suffixes, "Last, First" ----------------------------------


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("Søren Kierkegaard", "Soren Kierkegaard"),
        ("Łukasz Nowak", "Lukasz Nowak"),
        ("Ægir Æbelø", "AEgir AEbelo"),
        ("Jürgen Strauß", "Jurgen Strauss"),
        ("Ðorđe Þórsson", "Dorde Thorsson"),
        ("Œlle Dupont", "OElle Dupont"),
        ("Yıldız Aydın", "Yildiz Aydin"),
        ("Юлия Иванова", "Yuliya Ivanova"),
        ("Γιώργος Νικολάου", "Giorgos Nikolaou"),
        ("Siobhán O’Brien", "Siobhan O'Brien"),
    ],
)
def test_name_keys_transliterate_latin_cyrillic_and_greek_letters(written, plain):
    assert normalize_name(written) == normalize_name(plain)
    assert normalize_name(written).isascii()


def test_name_keys_keep_letters_of_scripts_whose_transliteration_would_merge_names():
    # 王伟 and 汪伟 both transliterate to "WangWei": different people, different keys
    assert normalize_name("王伟") != normalize_name("汪伟")
    assert normalize_name("王伟") == "王伟"


def test_emoji_and_symbols_are_not_part_of_a_name_key():
    assert normalize_name("Anna 🌸 Berg") == "anna berg"


@pytest.mark.parametrize(
    "written",
    [
        "Dr. Anna Berg", "Dr Anna Berg", "Prof. Dr. Anna Berg", "Prof.Dr. Anna Berg", "Mrs Anna Berg",
        "Ms. Anna Berg", "Mx Anna Berg", "Miss Anna Berg", "Dame Anna Berg", "Frau Anna Berg",
        "Fr. Anna Berg", "Mme Anna Berg", "Mlle Anna Berg", "Sra. Anna Berg", "Srta. Anna Berg",
        "Doña Anna Berg", "Dott. Anna Berg", "Ing. Anna Berg", "Mag. Anna Berg",
        "Dipl.-Ing. Anna Berg", "Berg, Dr. Anna", "Anna Berg, PhD", "Anna Berg MD",
        "Anna Berg Ph.D.",
    ],
)  # fmt: skip
def test_titles_and_degrees_are_ignored_when_names_are_matched(written):
    assert normalize_name(written) == "anna berg"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Mr. John Richter", "john richter"),
        ("Herr Dr. Berg", "berg"),
        ("Sir Tom Keller", "tom keller"),
        ("Hr. Keller", "keller"),
        ("M. Dupont", "dupont"),
        ("Sr. García", "garcia"),
        ("Don Pedro Álvarez", "pedro alvarez"),
    ],
)
def test_titles_before_a_name_are_ignored(written, key):
    assert normalize_name(written) == key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Don Johnson", "don johnson"),  # Don is his name: a title only before two more words
        ("Dona Reed", "dona reed"),
        ("M Dupont", "m dupont"),  # no dot: an initial, not Monsieur
        ("M. J. Dupont", "m j dupont"),  # before an initial, M. may be one too
        ("Mag Huber", "mag huber"),  # Mag for Margaret
        ("Dr.", "dr"),  # a name that is only a title keeps it
        ("Naomasa Ii", "naomasa ii"),  # one word before a suffix: it may be the name
        ("Marta Sr", "marta sr"),
    ],
)
def test_words_that_are_also_names_or_initials_are_kept(written, key):
    assert normalize_name(written) == key


def test_generational_suffixes_are_ignored_in_the_key_but_kept_apart():
    assert normalize_name("James Doe Sr.") == normalize_name("James Doe Jr.") == "james doe"
    assert name_generation("James Doe Sr.") == "sr"
    assert name_generation("James Doe Jr") == "jr"
    assert name_generation("Doe, James, Jr.") == "jr"
    assert name_generation("John Smith III") == "iii"
    assert name_generation("Anna Berg, PhD") == ""
    assert name_generation("Anna Berg") == ""


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Lima, Ana", "ana lima"),
        ("Lima, Ana Maria", "ana maria lima"),
        ("García Márquez, Gabriel", "gabriel garcia marquez"),
        ("van der Berg, Jan", "jan van der berg"),
        ("Smith, John, Jr.", "john smith"),
        ("Berg, Dr. Anna", "anna berg"),
    ],
)
def test_last_comma_first_is_read_as_two_parts_of_one_name(written, key):
    assert normalize_name(written) == key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Mr. John Richter, James Doe Sr.", "john richter james doe"),
        ("Anna Berg, Tom Keller", "anna berg tom keller"),
        ("Anna Berg, Tom Keller, Eva Lind", "anna berg tom keller eva lind"),
    ],
)
def test_a_comma_between_two_full_names_is_a_list_not_last_first(written, key):
    assert normalize_name(written) == key


def test_transliterate_spells_letters_in_ascii_and_leaves_other_scripts():
    assert transliterate("Søren Łukasz Þór") == "Soren Lukasz Thor"
    assert transliterate("Ana Lima") == "Ana Lima"
    assert transliterate("王伟") == "王伟"


def test_public_helpers_keep_their_meaning():
    assert nfc("  Ana\u0301   Lima ") == "Aná Lima"
    assert strip_accents("José Ålvarez") == "Jose Alvarez"


def _phone_forms(region: str, rnd: random.Random) -> list[str]:
    """Numbers as people and exports write them in ``region``: its example numbers of every
    type in national, international and E.164 form, with the national prefix, the international
    prefix, the calling code without "+", stray zeros, and random digit strings of every
    length."""
    import phonenumbers

    fmt = phonenumbers.PhoneNumberFormat
    code = str(phonenumbers.country_code_for_region(region))
    forms: list[str] = []
    for kind in range(12):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        forms += [
            phonenumbers.format_number(example, fmt.NATIONAL),
            phonenumbers.format_number(example, fmt.INTERNATIONAL),
            phonenumbers.format_number(example, fmt.E164),
            nsn,
            "0" + nsn,
            "00" + code + nsn,
            code + nsn,
            "+" + code + "0" + nsn,
            nsn[:-2],
            nsn + "12",
        ]
    for _ in range(30):
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(3, 19)))
        lead = rnd.choice(["", "", "+", "0", "00", "+" + code, code, "(0", "+" + code + " ("])
        forms.append(lead + digits)
        forms.append(" ".join([lead + digits[:3], digits[3:7], digits[7:]]).strip())
    return forms


def test_plain_numbers_read_the_same_as_phonenumbers_parses_them_in_every_region():
    """The shortcut for plain numbers (normalize._plain_phone) gives what phonenumbers' full
    parse gives, in every region it knows, on example numbers in every format and on random
    digit strings, with and without prefixes."""
    import re

    import phonenumbers

    from analysis.normalize import _PLAIN_PHONE, _parsed_phone, _plain_phone

    rnd = random.Random(7)
    checked = settled = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for raw in _phone_forms(region, rnd):
            digits = re.sub(r"\D", "", raw)
            if len(digits) < 3:
                continue
            full = _parsed_phone(raw, digits, region)
            assert normalize_phone(raw, region) == full, (raw, region)
            plain = _plain_phone(digits, raw.startswith("+"), region)
            if _PLAIN_PHONE.fullmatch(raw) and plain is not None:
                assert plain == full, (raw, region)
                settled += 1
            checked += 1
    assert checked > 20_000 and settled > checked / 2, (checked, settled)


def test_without_phonenumbers_private_helpers_every_number_takes_the_full_parser(monkeypatch):
    """The shortcut calls private helpers of phonenumbers; a release without them must only
    cost speed, never a crash or another answer."""
    from analysis import normalize as n

    numbers = [("0170 1234567", "DE"), ("+49 170 1234567", "DE"), ("(415) 555-0123", "US")]
    expected = [n.normalize_phone(v, r) for v, r in numbers]
    monkeypatch.setattr(n, "_SHORTCUT", False)
    monkeypatch.setattr(n, "_plain_phone", None)  # would raise if it were still called
    n.normalize_phone.cache_clear()
    try:
        assert [n.normalize_phone(v, r) for v, r in numbers] == expected
    finally:
        n.normalize_phone.cache_clear()
