"""RFC 5545 content lines: escaping, folding at 75 octets, CRLF."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.feeds.contentlines import check_uri, date_value, escape_text, fold, text_line, utc_value


def unfold(folded: str) -> str:
    return folded.removesuffix("\r\n").replace("\r\n ", "")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nline", "windows\\nline"),
        ("bell\x07and\x00nul", "bellandnul"),
        ("tab\tkept", "tab\tkept"),
        ("colon: is fine", "colon: is fine"),
    ],
)
def test_text_escapes_the_four_special_characters_and_drops_controls(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_a_line_of_exactly_75_octets_is_not_folded() -> None:
    line = "X" * 75
    assert fold(line) == line + "\r\n"


def test_a_line_of_76_octets_folds_into_75_and_a_continuation() -> None:
    assert fold("X" * 76) == "X" * 75 + "\r\n X\r\n"


def test_folding_never_splits_a_multibyte_character() -> None:
    folded = fold("SUMMARY:" + "ö" * 80)
    for physical in folded.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75
    assert unfold(folded) == "SUMMARY:" + "ö" * 80


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_folded_lines_unfold_to_the_original_and_fit_75_octets(value: str) -> None:
    line = "DESCRIPTION:" + escape_text(value)
    folded = fold(line)
    assert folded.endswith("\r\n")
    physical_lines = folded.split("\r\n")[:-1]
    assert all(len(physical.encode("utf-8")) <= 75 for physical in physical_lines)
    assert all(physical.startswith(" ") for physical in physical_lines[1:])
    assert unfold(folded) == line
    assert "\n" not in unfold(folded) and "\r" not in unfold(folded)


def test_text_line_escapes_then_folds() -> None:
    assert text_line("SUMMARY", "Visit due: J.S., (CP)") == "SUMMARY:Visit due: J.S.\\, (CP)\r\n"


@pytest.mark.parametrize("bad", ["", "https://x.example/a b", "https://x.example/\r\nX-EVIL:1"])
def test_a_uri_with_spaces_or_line_breaks_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        check_uri(bad)


def test_dates_and_utc_times_use_the_basic_format() -> None:
    assert date_value(date(2026, 3, 9)) == "20260309"
    assert utc_value(datetime(2026, 7, 1, 9, 5, 7, tzinfo=UTC)) == "20260701T090507Z"


def test_a_naive_time_cannot_be_written_as_utc() -> None:
    with pytest.raises(ValueError):
        utc_value(datetime(2026, 7, 1, 9, 5))  # noqa: DTZ001
