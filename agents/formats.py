"""Value formats a variable mapping can apply to a CRM value before the agent sees it.

Each format is a function from the CRM's text to the text the agent receives. A value
a format cannot read is passed through unchanged and flagged; formats never raise.

Formats that read dates and times convert LeadSquared's UTC timestamps
("2026-12-10 00:00:00") into the workspace's timezone, and phone formats read numbers
without a country code in the workspace's region; both come in a ``FormatContext``.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Callable
from zoneinfo import ZoneInfo

from agents.numbers import indian_digit_grouping, indian_number_words


class FormatError(ValueError):
    """The value is not of the kind the format reads."""


@dataclass(frozen=True)
class FormatContext:
    # IANA name of the timezone dates and times are spoken in.
    timezone: str = "Asia/Kolkata"
    # Region for phone numbers written without a country code.
    region: str = "IN"


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    group: str
    convert: Callable[[str, FormatContext], str]
    # (input, output) pairs shown in the dashboard and checked by the tests, read with the
    # default FormatContext.
    examples: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class FormattedValue:
    value: str
    # Why the format could not read the value; None when it applied.
    problem: str | None = None


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.key] = fmt
    return fmt


def _text(function: Callable[[str], str]) -> Callable[[str, FormatContext], str]:
    return lambda text, context: function(text)


# Text

def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else text


register(Format("text_title", "Title Case", "Text", _text(str.title), (("asha VERMA", "Asha Verma"),)))
register(Format("text_upper", "UPPER CASE", "Text", _text(str.upper), (("Pune", "PUNE"),)))
register(Format("text_lower", "lower case", "Text", _text(str.lower), (("Home Loan", "home loan"),)))
register(Format("text_first_word", "First word only", "Text", _text(_first_word), (("Asha Verma", "Asha"),)))


# Numbers

def read_number(text: str) -> Decimal:
    """Read "2500000", "25,00,000", "2500000.00" or "₹ 25,00,000" as a Decimal."""
    cleaned = text.strip().replace(",", "").replace("₹", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise FormatError(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise FormatError(f"{text!r} is not a number")
    return number


def _grouped(text: str, context: FormatContext) -> str:
    return indian_digit_grouping(read_number(text))


# Largest number spelt out: 999 crore crore, far above any amount a lead carries.
MAX_WORDS_NUMBER = 10**16 - 1


def _words(text: str, context: FormatContext) -> str:
    whole = read_number(text).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if abs(whole) > MAX_WORDS_NUMBER:
        raise FormatError(f"{text!r} is too large to spell out")
    return indian_number_words(int(whole))


def _nearest(step: int) -> Callable[[str, FormatContext], str]:
    def convert(text: str, context: FormatContext) -> str:
        number = read_number(text)
        rounded = (number / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        return str(int(rounded))

    return convert


register(Format(
    "number_indian", "Indian digit grouping", "Number", _grouped,
    (("2500000", "25,00,000"), ("1234.5", "1,234.5"), ("-75000", "-75,000")),
))
register(Format(
    "number_words", "In words (lakh, crore)", "Number", _words,
    (("2500000", "twenty-five lakh"), ("12345678", "one crore twenty-three lakh forty-five thousand six hundred seventy-eight"),
     ("0", "zero")),
))
register(Format(
    "number_hundred", "Nearest hundred", "Number", _nearest(100), (("2549", "2500"), ("2550", "2600")),
))
register(Format(
    "number_thousand", "Nearest thousand", "Number", _nearest(1000), (("2500000", "2500000"), ("74520", "75000")),
))


# Dates and times

_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def read_date(text: str, context: FormatContext) -> date:
    """Read a LeadSquared date or UTC date-time as a date in the workspace's timezone.

    LeadSquared stores a date-only field as midnight UTC ("2026-12-10 00:00:00"). Such a
    value is read as the date it names, without conversion, because converting it would
    move it to the previous day in timezones west of UTC.
    """
    stamp = _read_datetime(text)
    if stamp is not None:
        if stamp.time() == time(0, 0):
            return stamp.date()
        return _to_local(stamp, context).date()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise FormatError(f"{text!r} is not a date such as 2026-12-10 or 2026-12-10 00:00:00")


def _read_datetime(text: str) -> datetime | None:
    for pattern in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    return None


def _to_local(stamp: datetime, context: FormatContext) -> datetime:
    return stamp.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(context.timezone))


def read_time(text: str, context: FormatContext) -> time:
    """Read a UTC date-time (converted to the workspace's timezone) or a bare local HH:MM."""
    stamp = _read_datetime(text)
    if stamp is not None:
        return _to_local(stamp, context).time()
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), pattern).time()
        except ValueError:
            continue
    raise FormatError(f"{text!r} is not a time such as 16:30 or 2026-12-04 11:00:00")


def _spoken_date(text: str, context: FormatContext) -> str:
    day = read_date(text, context)
    return f"{day.day} {day:%B %Y}"


def _weekday(text: str, context: FormatContext) -> str:
    return f"{read_date(text, context):%A}"


def _spoken_time(text: str, context: FormatContext) -> str:
    moment = read_time(text, context)
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


register(Format(
    "date_spoken", "Date, spoken (10 December 2026)", "Date and time", _spoken_date,
    (("2026-12-10 00:00:00", "10 December 2026"), ("2026-12-09 20:00:00", "10 December 2026"), ("2026-12-10", "10 December 2026")),
))
register(Format(
    "date_weekday", "Day of the week", "Date and time", _weekday,
    (("2026-12-10 00:00:00", "Thursday"), ("2026-12-06", "Sunday")),
))
register(Format(
    "time_spoken", "Time, 12-hour (4:30 PM)", "Date and time", _spoken_time,
    (("2026-12-04 11:00:00", "4:30 PM"), ("09:05", "9:05 AM"), ("00:15", "12:15 AM")),
))


# Phone numbers

def _e164(text: str, context: FormatContext) -> str:
    from calls.phones import to_e164

    number = to_e164(text, context.region)
    if number is None:
        raise FormatError(f"{text!r} is not a valid phone number for region {context.region}")
    return number


def _spaced_digits(text: str, context: FormatContext) -> str:
    import phonenumbers

    number = phonenumbers.parse(_e164(text, context))
    national = str(phonenumbers.national_significant_number(number))
    return f"+{number.country_code} " + " ".join(national)


register(Format(
    "phone_e164", "Phone, E.164 (+919876543210)", "Phone", _e164,
    (("+91-98765-43210", "+919876543210"), ("09876543210", "+919876543210")),
))
register(Format(
    "phone_spoken", "Phone, digits spaced for speech", "Phone", _spaced_digits,
    (("9876543210", "+91 9 8 7 6 5 4 3 2 1 0"),),
))


# Booleans

_YES = ("1", "true", "yes", "y")
_NO = ("0", "false", "no", "n")


def _yes_no(text: str, context: FormatContext) -> str:
    word = text.strip().lower()
    if word in _YES:
        return "yes"
    if word in _NO:
        return "no"
    raise FormatError(f"{text!r} is not a yes/no value such as true, false, 1 or 0")


register(Format("boolean_yes_no", "Yes / no", "Boolean", _yes_no, (("1", "yes"), ("false", "no"), ("Yes", "yes"))))


def apply_format(key: str, value: str, context: FormatContext | None = None) -> FormattedValue:
    """Apply the format ``key`` to ``value``; an empty key leaves the value as it is."""
    if not key:
        return FormattedValue(value)
    fmt = FORMATS.get(key)
    if fmt is None:
        return FormattedValue(value, f"unknown format {key!r}")
    try:
        return FormattedValue(fmt.convert(value, context or FormatContext()))
    except (FormatError, ValueError, ArithmeticError, LookupError) as error:
        return FormattedValue(value, str(error) or f"not readable as {fmt.label}")


def format_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Formats grouped for a <select>: [(group, [(key, label), …]), …]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for fmt in FORMATS.values():
        groups.setdefault(fmt.group, []).append((fmt.key, fmt.label))
    return list(groups.items())
