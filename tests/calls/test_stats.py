"""Overview numbers: days are the workspace's local days."""
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest

from calls.charts import _nice_max, daily_chart
from calls.models import CallAttempt, Lead
from calls.stats import overview
from tests.dashboard.conftest import make_call

UTC = dt_timezone.utc
# 10:00 in Asia/Kolkata on 4 December 2026.
NOW = datetime(2026, 12, 4, 4, 30, tzinfo=UTC)


def test_lead_counts_local_day(agent):
    # 19:00 UTC on 3 December is 00:30 on 4 December in Asia/Kolkata: today.
    Lead.objects.create(workspace=agent.workspace, agent=agent, external_id="a", received_at=datetime(2026, 12, 3, 19, 0, tzinfo=UTC))
    # 18:00 UTC on 3 December is 23:30 on 3 December there: yesterday.
    Lead.objects.create(workspace=agent.workspace, agent=agent, external_id="b", received_at=datetime(2026, 12, 3, 18, 0, tzinfo=UTC))

    stats = overview(agent.workspace, now=NOW)

    assert stats.today.leads == 1
    assert [counts.leads for _, counts in stats.days[-2:]] == [1, 1]
    assert len(stats.days) == 14


def test_outcomes_counted_per_agent(agent):
    call = make_call(agent)
    ended = NOW - timedelta(hours=1)
    for number, outcome in enumerate(["no_answer", "busy", "completed"], start=1):
        CallAttempt.objects.create(
            call=call, number=number, status="ended", outcome=outcome, scheduled_for=ended,
            started_at=ended, ended_at=ended,
        )
    CallAttempt.objects.create(call=call, number=4, scheduled_for=NOW + timedelta(hours=2))

    row = overview(agent.workspace, now=NOW).per_agent[0]

    assert row.agent == agent
    assert row.placed == 3
    assert row.reached == 1
    assert row.not_reached == 2
    assert row.pending_retries == 1


@pytest.mark.parametrize(("value", "expected"), [(1, 4), (4, 4), (5, 8), (9, 20), (21, 40), (41, 80), (81, 200), (201, 400)])
def test_axis_maximum(value, expected):
    assert _nice_max(value) == expected


def test_chart_empty(agent):
    chart = daily_chart(overview(agent.workspace, now=NOW).days)

    assert chart.empty is True
    assert all(bar.height == 0 for bar in chart.bars)
    assert len(chart.bars) == 14 * 3
