"""Phone numbers to E.164 with the workspace's default region."""
import pytest

from calls.phones import to_e164

CASES = [
    ("+91-98765-43210", "IN", "+919876543210"),
    ("09876543210", "IN", "+919876543210"),
    ("00919876543210", "IN", "+919876543210"),
    ("9876543210", "IN", "+919876543210"),
    ("+91 98765 43210", "IN", "+919876543210"),
    ("(+91) 98765-43210", "IN", "+919876543210"),
    ("919876543210", "IN", "+919876543210"),
    ("+1 415 555 2671", "IN", "+14155552671"),
    ("4155552671", "US", "+14155552671"),
    ("12345", "IN", None),
    ("", "IN", None),
    (None, "IN", None),
    ("not a phone", "IN", None),
    ("+91-00000-00000", "IN", None),
]


@pytest.mark.parametrize(("raw", "region", "expected"), CASES)
def test_to_e164(raw, region, expected):
    assert to_e164(raw, region) == expected
