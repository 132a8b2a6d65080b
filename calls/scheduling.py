"""Scheduling rules: when an attempt is due. Pure functions of time and policy, no I/O.

A calling window is a pair of local wall-clock times in the workspace's CRM timezone,
inclusive at both ends to the minute (18:00 includes 18:00:59), and may cross midnight
(22:00–02:00). Outside the window, ``carry_over`` moves a call to the next moment the
window opens; without it the call is due at once, as the LeadSquared guide specifies.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from calls.policy import CallingWindow, CallPolicy

UTC = dt_timezone.utc

# An attempt whose carry_over is false may still be dialled outside the window, but only
# this close to its scheduled time: a worker that was down must not dial at night.
STALE_AFTER = timedelta(minutes=15)


def _minute(moment: time) -> tuple[int, int]:
    return (moment.hour, moment.minute)


def window_contains(window: CallingWindow, local_time: time) -> bool:
    start, end, now = _minute(window.start), _minute(window.end), _minute(local_time)
    if start < end:
        return start <= now <= end
    return now >= start or now <= end


def in_window(moment: datetime, policy: CallPolicy) -> bool:
    """True when ``moment`` falls inside the policy's window (or it has none)."""
    if policy.window is None:
        return True
    local = moment.astimezone(ZoneInfo(policy.timezone))
    return window_contains(policy.window, local.time())


def _exists(moment: datetime) -> bool:
    round_trip = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the instant at which the wall clock in ``zone`` first reads ``at`` on ``day``.

    An ambiguous time (clocks going back) resolves to its first occurrence. A time that
    does not exist (clocks going forward) resolves forward to the end of the gap, the
    first instant whose wall-clock time is past ``at``.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    if _exists(first):
        return first

    # Inside a gap, fold=1 maps to an instant before the transition and fold=0 to one after.
    low = int(naive.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())
    high = int(first.astimezone(UTC).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, zone)


def next_opening(moment: datetime, policy: CallPolicy) -> datetime:
    """Return the first instant at or after ``moment`` at which the window opens."""
    assert policy.window is not None
    zone = ZoneInfo(policy.timezone)
    local_day = moment.astimezone(zone).date()
    for offset in range(3):
        opening = local_moment(local_day + timedelta(days=offset), policy.window.start, zone)
        if opening >= moment:
            return opening
    raise AssertionError("a daily window opens within three days")  # pragma: no cover


def due_time(candidate: datetime, policy: CallPolicy) -> datetime:
    """Move ``candidate`` into the window when carry-over applies; else keep it."""
    if in_window(candidate, policy) or not policy.carry_over:
        return candidate
    return next_opening(candidate, policy)


def first_attempt_time(received_at: datetime, policy: CallPolicy) -> datetime:
    return due_time(received_at, policy)


def retry_time(outcome_recorded_at: datetime, retry_number: int, policy: CallPolicy) -> datetime:
    """When retry ``retry_number`` (1-based) is due: its gap after the previous outcome."""
    gap_hours = policy.gaps_hours[retry_number - 1]
    return due_time(outcome_recorded_at + timedelta(hours=gap_hours), policy)


@dataclass(frozen=True)
class DialDecision:
    dial: bool
    # When to try again if not dialling now.
    reschedule_for: datetime | None = None


def dial_decision(now: datetime, scheduled_for: datetime, policy: CallPolicy) -> DialDecision:
    """Decide at dial time whether an attempt may ring the lead now."""
    if in_window(now, policy):
        return DialDecision(dial=True)
    if not policy.carry_over and now - scheduled_for <= STALE_AFTER:
        return DialDecision(dial=True)
    return DialDecision(dial=False, reschedule_for=next_opening(now, policy))
