"""Value formats a variable mapping can apply to a CRM value before the agent sees it.

Each format is a function from the CRM's text to the text the agent receives. A value
a format cannot read is passed through unchanged and flagged; formats never raise.
"""
from dataclasses import dataclass, field
from typing import Callable


class FormatError(ValueError):
    """The value is not of the kind the format reads."""


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    group: str
    convert: Callable[[str], str]
    # (input, output) pairs shown in the dashboard and checked by the tests.
    examples: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class FormattedValue:
    value: str
    # Why the format could not read the value; None when it applied.
    problem: str | None = None


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else text


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.key] = fmt
    return fmt


register(Format("text_title", "Title Case", "Text", lambda text: text.title(), (("asha VERMA", "Asha Verma"),)))
register(Format("text_upper", "UPPER CASE", "Text", str.upper, (("Pune", "PUNE"),)))
register(Format("text_lower", "lower case", "Text", str.lower, (("Home Loan", "home loan"),)))
register(Format("text_first_word", "First word only", "Text", _first_word, (("Asha Verma", "Asha"),)))


def apply_format(key: str, value: str) -> FormattedValue:
    """Apply the format ``key`` to ``value``; an empty key leaves the value as it is."""
    if not key:
        return FormattedValue(value)
    fmt = FORMATS.get(key)
    if fmt is None:
        return FormattedValue(value, f"unknown format {key!r}")
    try:
        return FormattedValue(fmt.convert(value))
    except (FormatError, ValueError, ArithmeticError) as error:
        return FormattedValue(value, str(error) or f"not readable as {fmt.label}")


def format_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Formats grouped for a <select>: [(group, [(key, label), …]), …]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for fmt in FORMATS.values():
        groups.setdefault(fmt.group, []).append((fmt.key, fmt.label))
    return list(groups.items())
