"""Every variable format: its documented examples, and inputs it cannot read."""
import pytest

from agents.formats import FORMATS, FormatContext, apply_format
from agents.variables import render_variables

EXAMPLES = [(fmt.key, given, expected) for fmt in FORMATS.values() for given, expected in fmt.examples]


@pytest.mark.parametrize(("key", "given", "expected"), EXAMPLES)
def test_format_example(key, given, expected):
    result = apply_format(key, given)

    assert result.value == expected
    assert result.problem is None


def test_every_format_has_examples():
    assert [fmt.key for fmt in FORMATS.values() if not fmt.examples] == []


UNREADABLE = [
    ("number_indian", "twenty"),
    ("number_indian", "NaN"),
    ("number_words", "abc"),
    ("number_words", "1e40"),
    ("number_hundred", ""),
    ("number_thousand", "12 lakh"),
    ("date_spoken", "tomorrow"),
    ("date_spoken", "2026-13-45"),
    ("date_weekday", "10/12"),
    ("time_spoken", "25:00"),
    ("time_spoken", "half past four"),
    ("phone_e164", "12"),
    ("phone_spoken", "not a number"),
    ("boolean_yes_no", "maybe"),
]


@pytest.mark.parametrize(("key", "given"), UNREADABLE)
def test_format_unreadable_passes_through(key, given):
    result = apply_format(key, given)

    assert result.value == given
    assert result.problem


def test_every_non_text_format_has_unreadable_case():
    covered = {key for key, _ in UNREADABLE}
    expected = {fmt.key for fmt in FORMATS.values() if fmt.group != "Text"}

    assert expected - covered == set()


@pytest.mark.parametrize(
    ("key", "given", "zone", "expected"),
    [
        ("time_spoken", "2026-12-04 11:00:00", "Asia/Dubai", "3:00 PM"),
        ("time_spoken", "2026-12-04 11:00:00", "UTC", "11:00 AM"),
        ("date_spoken", "2026-12-09 20:00:00", "America/New_York", "9 December 2026"),
        # A date-only field is midnight UTC and keeps its date in every timezone.
        ("date_spoken", "2026-12-10 00:00:00", "America/New_York", "10 December 2026"),
    ],
)
def test_format_uses_context_timezone(key, given, zone, expected):
    assert apply_format(key, given, FormatContext(timezone=zone)).value == expected


def test_phone_format_uses_context_region():
    assert apply_format("phone_e164", "020 7946 0958", FormatContext(region="GB")).value == "+442079460958"


def test_unknown_format_is_flagged():
    result = apply_format("no_such_format", "Pune")

    assert result.value == "Pune"
    assert "no_such_format" in result.problem


class Mapping:
    def __init__(self, name, field, format="", default_value=""):
        self.name, self.field, self.format, self.default_value = name, field, format, default_value


def test_render_variables_flags_unreadable():
    mappings = [Mapping("budget", "mx_Budget", "number_words"), Mapping("city", "mx_City", "text_upper")]

    rendered = render_variables(mappings, {"mx_Budget": "about 20 lakh", "mx_City": "Pune"})

    assert rendered.values == {"budget": "about 20 lakh", "city": "PUNE"}
    assert list(rendered.format_problems) == ["budget"]
