"""Scheduling rules, table-driven, without a database."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calls.policy import CallingWindow, CallPolicy
from calls.scheduling import dial_decision, first_attempt_time, local_moment, retry_time, window_contains

IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


def ist(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=IST)


def policy(start="09:00", end="18:00", carry_over=True, gaps=(), zone="Asia/Kolkata") -> CallPolicy:
    window = CallingWindow(time.fromisoformat(start), time.fromisoformat(end)) if start else None
    return CallPolicy(timezone=zone, window=window, carry_over=carry_over, gaps_hours=tuple(gaps))


FIRST_ATTEMPT_CASES = [
    # (case, policy, received, expected first attempt)
    ("guide: 10:00 inside 09-18 calls now", policy(), ist(4, 10), ist(4, 10)),
    ("guide: 19:00 carries to 09:00 next day", policy(), ist(4, 19), ist(5, 9)),
    ("before opening waits for same day", policy(), ist(4, 7, 30), ist(4, 9)),
    ("opening minute is inside", policy(), ist(4, 9, 0), ist(4, 9, 0)),
    ("closing minute is inside", policy(), ist(4, 18, 0), ist(4, 18, 0)),
    ("minute after close carries over", policy(), ist(4, 18, 1), ist(5, 9)),
    ("carry_over false calls at once", policy(carry_over=False), ist(4, 19), ist(4, 19)),
    ("no window calls at once", policy(start=None), ist(4, 3), ist(4, 3)),
    ("night window 22-02 at 23:00 is inside", policy("22:00", "02:00"), ist(4, 23), ist(4, 23)),
    ("night window 22-02 at 01:30 is inside", policy("22:00", "02:00"), ist(5, 1, 30), ist(5, 1, 30)),
    ("night window 22-02 at 03:00 waits till 22:00", policy("22:00", "02:00"), ist(5, 3), ist(5, 22)),
    ("night window 22-02 at 21:59 waits a minute", policy("22:00", "02:00"), ist(4, 21, 59), ist(4, 22)),
]


@pytest.mark.parametrize(("case", "rules", "received", "expected"), FIRST_ATTEMPT_CASES, ids=[c[0] for c in FIRST_ATTEMPT_CASES])
def test_first_attempt_time(case, rules, received, expected):
    assert first_attempt_time(received, rules) == expected


RETRY_CASES = [
    # (case, policy, previous outcome recorded at, retry number, expected)
    ("guide: gap 2 after 10:00", policy(gaps=(2, 4, 6)), ist(4, 10), 1, ist(4, 12)),
    ("guide: gap 4 after 12:00", policy(gaps=(2, 4, 6)), ist(4, 12), 2, ist(4, 16)),
    ("guide: gap 6 after 16:00 lands past close", policy(gaps=(2, 4, 6)), ist(4, 16), 3, ist(5, 9)),
    ("decimal gap", policy(gaps=(0.5,)), ist(4, 10), 1, ist(4, 10, 30)),
    ("retry at closing minute stays", policy(gaps=(1,)), ist(4, 17), 1, ist(4, 18)),
    ("retry after close without carry over keeps time", policy(carry_over=False, gaps=(3,)), ist(4, 17), 1, ist(4, 20)),
    ("retry without window", policy(start=None, gaps=(24,)), ist(4, 17), 1, ist(5, 17)),
    ("gap longer than a day", policy(gaps=(30,)), ist(4, 10), 1, ist(5, 16)),
]


@pytest.mark.parametrize(("case", "rules", "recorded", "number", "expected"), RETRY_CASES, ids=[c[0] for c in RETRY_CASES])
def test_retry_time(case, rules, recorded, number, expected):
    assert retry_time(recorded, number, rules) == expected


def new_york(month, day, hour, minute=0, fold=0):
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK, fold=fold)


DST_CASES = [
    # 2026-03-08: clocks in New York jump from 02:00 to 03:00.
    ("opening inside the spring gap resolves to 03:00", "02:30", "18:00", new_york(3, 8, 1, 0), new_york(3, 8, 3, 0)),
    ("ordinary opening on spring day", "09:00", "18:00", new_york(3, 8, 7, 0), new_york(3, 8, 9, 0)),
    # 2026-11-01: clocks go back from 02:00 to 01:00; 01:30 happens twice.
    ("ambiguous opening resolves to the first 01:30", "01:30", "05:00", new_york(11, 1, 0, 10), new_york(11, 1, 1, 30, fold=0)),
    ("evening lead on fall-back day waits for next morning", "09:00", "18:00", new_york(11, 1, 19), new_york(11, 2, 9)),
]


@pytest.mark.parametrize(("case", "start", "end", "received", "expected"), DST_CASES, ids=[c[0] for c in DST_CASES])
def test_first_attempt_on_daylight_saving_days(case, start, end, received, expected):
    rules = policy(start, end, zone="America/New_York")

    due = first_attempt_time(received, rules)

    assert due == expected
    assert due.astimezone(ZoneInfo("UTC")) == expected.astimezone(ZoneInfo("UTC"))


def test_spring_gap_opening_is_transition_instant():
    opening = local_moment(datetime(2026, 3, 8).date(), time(2, 30), NEW_YORK)

    assert opening.astimezone(ZoneInfo("UTC")) == datetime(2026, 3, 8, 7, 0, tzinfo=ZoneInfo("UTC"))


def test_ambiguous_opening_fires_once():
    first = local_moment(datetime(2026, 11, 1).date(), time(1, 30), NEW_YORK)
    rules = policy("01:30", "05:00", zone="America/New_York")

    # A lead arriving between the two 01:30s is inside the window: it is not carried to the second.
    between = first + timedelta(minutes=45)

    assert first.astimezone(ZoneInfo("UTC")) == datetime(2026, 11, 1, 5, 30, tzinfo=ZoneInfo("UTC"))
    assert first_attempt_time(between, rules) == between


WINDOW_CASES = [
    ("09:00", "18:00", time(8, 59), False),
    ("09:00", "18:00", time(9, 0), True),
    ("09:00", "18:00", time(18, 0, 59), True),
    ("09:00", "18:00", time(18, 1), False),
    ("22:00", "02:00", time(0, 0), True),
    ("22:00", "02:00", time(2, 0), True),
    ("22:00", "02:00", time(2, 1), False),
    ("22:00", "02:00", time(21, 59), False),
]


@pytest.mark.parametrize(("start", "end", "moment", "inside"), WINDOW_CASES)
def test_window_contains(start, end, moment, inside):
    window = CallingWindow(time.fromisoformat(start), time.fromisoformat(end))

    assert window_contains(window, moment) is inside


DIAL_CASES = [
    # (case, policy, now, scheduled_for, dial?, rescheduled to)
    ("inside window dials", policy(), ist(4, 10), ist(4, 10), True, None),
    ("worker back at night waits for morning", policy(), ist(4, 23), ist(4, 17, 59), False, ist(5, 9)),
    ("carry over false and on time dials", policy(carry_over=False), ist(4, 20), ist(4, 20), True, None),
    ("carry over false but stale waits", policy(carry_over=False), ist(4, 23), ist(4, 20), False, ist(5, 9)),
    ("no window always dials", policy(start=None), ist(4, 3), ist(4, 1), True, None),
]


@pytest.mark.parametrize(("case", "rules", "now", "scheduled", "dial", "later"), DIAL_CASES, ids=[c[0] for c in DIAL_CASES])
def test_dial_decision(case, rules, now, scheduled, dial, later):
    decision = dial_decision(now, scheduled, rules)

    assert decision.dial is dial
    assert decision.reschedule_for == later
