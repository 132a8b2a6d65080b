"""The webhook's advanced parameters: every accepted form and every error."""
from datetime import time

import pytest

from calls.outcomes_catalog import DEFAULT_RETRY_ON
from calls.policy import CallingWindow
from webhooks.params import parse_parameters


def parse(**query):
    return parse_parameters(query, default_timezone="Asia/Kolkata")


VALID_CASES = [
    # (query, window, carry_over, gaps)
    ({}, None, True, ()),
    ({"min_trigger_time": "09:00", "max_trigger_time": "18:00"}, ("09:00", "18:00"), True, ()),
    ({"min_trigger_time": "9:00", "max_trigger_time": "18:00"}, ("09:00", "18:00"), True, ()),
    ({"min_trigger_time": "22:00", "max_trigger_time": "02:00"}, ("22:00", "02:00"), True, ()),
    ({"min_trigger_time": "00:00", "max_trigger_time": "23:59"}, ("00:00", "23:59"), True, ()),
    ({"carry_over": "false"}, None, False, ()),
    ({"carry_over": "TRUE"}, None, True, ()),
    ({"carry_over": "0"}, None, False, ()),
    ({"num_of_retries": "0"}, None, True, ()),
    ({"num_of_retries": "3", "gap_between_retries": "2,4,6"}, None, True, (2.0, 4.0, 6.0)),
    ({"num_of_retries": "3", "gap_between_retries": "2, 4 ,6"}, None, True, (2.0, 4.0, 6.0)),
    ({"num_of_retries": "2", "gap_between_retries": "0.5,1.25"}, None, True, (0.5, 1.25)),
    ({"num_of_retries": "1", "gap_between_retries": ".5"}, None, True, (0.5,)),
    ({"num_of_retries": "10", "gap_between_retries": ",".join(["1"] * 10)}, None, True, (1.0,) * 10),
    ({"min_trigger_time": "", "carry_over": ""}, None, True, ()),
]


@pytest.mark.parametrize(("query", "window", "carry_over", "gaps"), VALID_CASES)
def test_valid_parameters(query, window, carry_over, gaps):
    parsed = parse(**query)

    assert parsed.errors == []
    expected_window = CallingWindow(time.fromisoformat(window[0]), time.fromisoformat(window[1])) if window else None
    assert parsed.policy.window == expected_window
    assert parsed.policy.carry_over is carry_over
    assert parsed.policy.gaps_hours == gaps
    assert parsed.policy.max_attempts == len(gaps) + 1


INVALID_CASES = [
    # (query, parameter named, text the message must contain)
    ({"min_trigger_time": "25:00", "max_trigger_time": "18:00"}, "min_trigger_time", "'25:00'"),
    ({"min_trigger_time": "9am", "max_trigger_time": "18:00"}, "min_trigger_time", "HH:MM"),
    ({"min_trigger_time": "09:00", "max_trigger_time": "18:60"}, "max_trigger_time", "'18:60'"),
    ({"min_trigger_time": "09:00"}, "max_trigger_time", "give both ends"),
    ({"max_trigger_time": "18:00"}, "min_trigger_time", "give both ends"),
    ({"min_trigger_time": "09:00", "max_trigger_time": "09:00"}, "max_trigger_time", "two different times"),
    ({"carry_over": "maybe"}, "carry_over", "true or false"),
    ({"num_of_retries": "11", "gap_between_retries": "1"}, "num_of_retries", "0 to 10"),
    ({"num_of_retries": "-1"}, "num_of_retries", "0 to 10"),
    ({"num_of_retries": "two"}, "num_of_retries", "'two'"),
    ({"num_of_retries": "1.5"}, "num_of_retries", "whole number"),
    ({"num_of_retries": "3", "gap_between_retries": "2,4"}, "gap_between_retries", "lists 2 gaps but num_of_retries is 3"),
    ({"num_of_retries": "3"}, "gap_between_retries", "e.g. 2,2,2"),
    ({"gap_between_retries": "2,4"}, "num_of_retries", "add num_of_retries=2"),
    ({"num_of_retries": "2", "gap_between_retries": "2,x"}, "gap_between_retries", "'x' is not"),
    ({"num_of_retries": "1", "gap_between_retries": "0"}, "gap_between_retries", "greater than 0"),
    ({"num_of_retries": "1", "gap_between_retries": "721"}, "gap_between_retries", "at most 720"),
    ({"num_of_retries": "2", "gap_between_retries": "2,,4"}, "gap_between_retries", "'' is not"),
    ({"num_of_retries": "1", "gap_between_retries": "nan"}, "gap_between_retries", "'nan' is not"),
    ({"timezone": "India/Delhi"}, "timezone", "IANA"),
    ({"retry_on": "completed"}, "retry_on", "'completed' cannot be retried"),
    ({"retry_on": "busy,sleeping"}, "retry_on", "sleeping"),
]


@pytest.mark.parametrize(("query", "parameter", "fragment"), INVALID_CASES)
def test_invalid_parameter_is_named(query, parameter, fragment):
    parsed = parse(**query)

    assert parsed.policy is None
    assert [error.parameter for error in parsed.errors] == [parameter]
    assert fragment in parsed.errors[0].message


def test_every_invalid_parameter_reported_at_once():
    parsed = parse(min_trigger_time="25:00", max_trigger_time="18:00", carry_over="perhaps", timezone="Mars/Base")

    assert sorted(error.parameter for error in parsed.errors) == ["carry_over", "min_trigger_time", "timezone"]


def test_timezone_overrides_workspace():
    parsed = parse(timezone="Asia/Dubai")

    assert parsed.policy.timezone == "Asia/Dubai"


def test_retry_on_narrows_outcomes():
    parsed = parse(retry_on="no_answer, busy")

    assert parsed.policy.retry_on == frozenset({"no_answer", "busy"})


def test_retry_on_defaults_to_not_reached_outcomes():
    parsed = parse()

    assert parsed.policy.retry_on == DEFAULT_RETRY_ON
    assert "completed" not in parsed.policy.retry_on
    assert "invalid_number" not in parsed.policy.retry_on


def test_agent_default_window_used_without_url_window():
    default = CallingWindow(time(10, 0), time(17, 0))

    parsed = parse_parameters({}, default_timezone="Asia/Kolkata", default_window=default)

    assert parsed.policy.window == default


def test_url_window_overrides_agent_default():
    default = CallingWindow(time(10, 0), time(17, 0))

    parsed = parse_parameters(
        {"min_trigger_time": "09:00", "max_trigger_time": "18:00"}, default_timezone="Asia/Kolkata", default_window=default,
    )

    assert parsed.policy.window == CallingWindow(time(9, 0), time(18, 0))
