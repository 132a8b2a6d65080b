"""Reading the webhook URL's query parameters into a call policy.

Every invalid parameter is reported, each naming the parameter, the value received and
the accepted form, so one test delivery shows every problem at once.
"""
import re
from dataclasses import dataclass, field
from datetime import time
from functools import lru_cache
from zoneinfo import available_timezones

from calls.outcomes_catalog import DEFAULT_RETRY_ON, NOT_REACHED_OUTCOMES
from calls.policy import CallingWindow, CallPolicy

MAX_RETRIES = 10
# Upper bound for one retry gap, in hours (30 days).
MAX_GAP_HOURS = 720

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_HOURS = re.compile(r"^(\d+(\.\d+)?|\.\d+)$")
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@dataclass
class ParameterError:
    parameter: str
    value: str | None
    message: str

    def to_json(self) -> dict:
        return {"parameter": self.parameter, "value": self.value, "message": self.message}


@dataclass
class ParsedParameters:
    policy: CallPolicy | None = None
    errors: list[ParameterError] = field(default_factory=list)


def _value(query, name: str) -> str | None:
    """Return the parameter's stripped value, or None when it is absent or empty."""
    raw = query.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    return raw or None


def _clock(query, name: str, errors: list) -> time | None:
    raw = _value(query, name)
    if raw is None:
        return None
    match = _CLOCK.match(raw)
    if not match:
        errors.append(ParameterError(
            name, raw, f"{name} must be a 24-hour time HH:MM between 00:00 and 23:59, e.g. 09:00; got {raw!r}.",
        ))
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _window(query, default: CallingWindow | None, errors: list) -> CallingWindow | None:
    errors_before = len(errors)
    start = _clock(query, "min_trigger_time", errors)
    end = _clock(query, "max_trigger_time", errors)
    given = {"min_trigger_time": _value(query, "min_trigger_time"), "max_trigger_time": _value(query, "max_trigger_time")}
    if len(errors) > errors_before:
        return None
    if start is None and end is None:
        return default
    if start is None or end is None:
        missing = "min_trigger_time" if start is None else "max_trigger_time"
        other = "max_trigger_time" if start is None else "min_trigger_time"
        errors.append(ParameterError(
            missing, None, f"{missing} is missing; give both ends of the window, e.g. "
            f"min_trigger_time=09:00&max_trigger_time=18:00 ({other} was {given[other]!r}).",
        ))
        return None
    if start == end:
        errors.append(ParameterError(
            "max_trigger_time", given["max_trigger_time"],
            f"min_trigger_time and max_trigger_time are both {start:%H:%M}; the window needs two different times.",
        ))
        return None
    return CallingWindow(start, end)


def _boolean(query, name: str, errors: list) -> bool | None:
    raw = _value(query, name)
    if raw is None:
        return None
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    errors.append(ParameterError(name, raw, f"{name} must be true or false; got {raw!r}."))
    return None


def _retries(query, errors: list) -> int | None:
    raw = _value(query, "num_of_retries")
    if raw is None:
        return None
    # isdigit() alone accepts characters such as '²' that int() rejects.
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_RETRIES:
        errors.append(ParameterError(
            "num_of_retries", raw, f"num_of_retries must be a whole number from 0 to {MAX_RETRIES}; got {raw!r}.",
        ))
        return None
    return int(raw)


def _gaps(query, errors: list) -> list[float] | None:
    raw = _value(query, "gap_between_retries")
    if raw is None:
        return None
    gaps = []
    for part in raw.split(","):
        text = part.strip()
        if not _HOURS.match(text) or not 0 < float(text) <= MAX_GAP_HOURS:
            errors.append(ParameterError(
                "gap_between_retries", raw,
                f"gap_between_retries must be comma-separated hours, each greater than 0 and at most "
                f"{MAX_GAP_HOURS}, e.g. 2,4,6 or 0.5,1; {text!r} is not.",
            ))
            return None
        gaps.append(float(text))
    return gaps


def _retry_plan(query, errors: list) -> tuple[float, ...]:
    errors_before = len(errors)
    retries = _retries(query, errors)
    gaps = _gaps(query, errors)
    if len(errors) > errors_before or (retries is None and gaps is None):
        return ()
    if retries is None and gaps is not None:
        errors.append(ParameterError(
            "num_of_retries", None,
            f"num_of_retries is missing; gap_between_retries lists {len(gaps)} gaps, so add num_of_retries={len(gaps)}.",
        ))
        return ()
    if retries and gaps is None:
        example = ",".join(["2"] * retries)
        errors.append(ParameterError(
            "gap_between_retries", None,
            f"gap_between_retries is missing; num_of_retries={retries} needs {retries} gaps in hours, e.g. {example}.",
        ))
        return ()
    if retries is not None and gaps is not None and len(gaps) != retries:
        errors.append(ParameterError(
            "gap_between_retries", _value(query, "gap_between_retries"),
            f"gap_between_retries lists {len(gaps)} gaps but num_of_retries is {retries}; "
            f"give exactly one gap per retry.",
        ))
        return ()
    return tuple(gaps or ())


def _timezone(query, default: str, errors: list) -> str:
    raw = _value(query, "timezone")
    if raw is None:
        return default
    if raw not in _timezones():
        errors.append(ParameterError(
            "timezone", raw, f"timezone must be an IANA timezone name such as Asia/Kolkata; got {raw!r}.",
        ))
        return default
    return raw


def _retry_on(query, errors: list) -> frozenset[str]:
    raw = _value(query, "retry_on")
    if raw is None:
        return DEFAULT_RETRY_ON
    outcomes = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(outcomes - {str(outcome) for outcome in NOT_REACHED_OUTCOMES})
    if unknown or not outcomes:
        allowed = ", ".join(sorted(DEFAULT_RETRY_ON))
        errors.append(ParameterError(
            "retry_on", raw,
            f"retry_on must list outcomes to retry, from: {allowed}; "
            f"{', '.join(repr(name) for name in unknown) or repr(raw)} cannot be retried.",
        ))
        return DEFAULT_RETRY_ON
    return frozenset(outcomes)


def parse_parameters(query, *, default_timezone: str, default_window: CallingWindow | None = None) -> ParsedParameters:
    """Build the call policy from ``query`` (a QueryDict or dict of strings)."""
    errors: list[ParameterError] = []
    window = _window(query, default_window, errors)
    carry_over = _boolean(query, "carry_over", errors)
    gaps = _retry_plan(query, errors)
    zone = _timezone(query, default_timezone, errors)
    retry_on = _retry_on(query, errors)
    if errors:
        return ParsedParameters(errors=errors)

    policy = CallPolicy(
        timezone=zone, window=window, carry_over=True if carry_over is None else carry_over,
        gaps_hours=gaps, retry_on=retry_on,
    )
    return ParsedParameters(policy=policy)
