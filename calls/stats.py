"""Numbers for the Overview page, counted in the workspace's timezone."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from agents.models import Agent
from calls.models import CallAttempt, Lead
from calls.outcomes_catalog import NOT_REACHED_OUTCOMES, Outcome

NOT_REACHED = [str(outcome) for outcome in NOT_REACHED_OUTCOMES]


@dataclass
class DayCounts:
    leads: int = 0
    placed: int = 0
    reached: int = 0
    not_reached: int = 0
    pending_retries: int = 0


@dataclass
class AgentDay(DayCounts):
    agent: Agent | None = None


@dataclass
class Overview:
    today: DayCounts
    per_agent: list[AgentDay]
    days: list[tuple[date, DayCounts]] = field(default_factory=list)


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def overview(workspace, now: datetime | None = None, days: int = 14) -> Overview:
    """Today's counts, the same per agent, and the last ``days`` days of leads and outcomes.

    Calls placed count attempts that started dialling; reached and not reached count
    attempts whose outcome was recorded that day. Pending retries are planned attempts
    after the first, whenever they are due.
    """
    zone = ZoneInfo(workspace.timezone)
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    start, end = local_day_bounds(today, zone)

    leads = Lead.objects.filter(workspace=workspace)
    attempts = CallAttempt.objects.filter(call__workspace=workspace)
    agent_counts = {
        agent.pk: AgentDay(agent=agent) for agent in Agent.objects.filter(workspace=workspace).order_by("name")
    }

    for row in leads.filter(received_at__gte=start, received_at__lt=end).values("agent").annotate(n=Count("id")):
        agent_counts[row["agent"]].leads = row["n"]
    placed = attempts.filter(started_at__gte=start, started_at__lt=end)
    for row in placed.values("call__agent").annotate(n=Count("id")):
        agent_counts[row["call__agent"]].placed = row["n"]
    ended = attempts.filter(status=CallAttempt.Status.ENDED, ended_at__gte=start, ended_at__lt=end)
    for row in ended.values("call__agent").annotate(
        reached=Count("id", filter=Q(outcome=Outcome.COMPLETED)),
        not_reached=Count("id", filter=Q(outcome__in=NOT_REACHED)),
    ):
        agent_counts[row["call__agent"]].reached = row["reached"]
        agent_counts[row["call__agent"]].not_reached = row["not_reached"]
    retries = attempts.filter(status=CallAttempt.Status.PENDING, number__gt=1)
    for row in retries.values("call__agent").annotate(n=Count("id")):
        agent_counts[row["call__agent"]].pending_retries = row["n"]

    per_agent = list(agent_counts.values())
    total = DayCounts(
        leads=sum(a.leads for a in per_agent), placed=sum(a.placed for a in per_agent),
        reached=sum(a.reached for a in per_agent), not_reached=sum(a.not_reached for a in per_agent),
        pending_retries=sum(a.pending_retries for a in per_agent),
    )
    return Overview(today=total, per_agent=per_agent, days=daily_counts(workspace, today, zone, days))


def daily_counts(workspace, today: date, zone: ZoneInfo, days: int) -> list[tuple[date, DayCounts]]:
    """Leads, reached and not-reached attempts per local day, oldest first."""
    first = today - timedelta(days=days - 1)
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(today, zone)
    counts = {first + timedelta(days=offset): DayCounts() for offset in range(days)}

    leads = (
        Lead.objects.filter(workspace=workspace, received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at", tzinfo=zone)).values("day").annotate(n=Count("id"))
    )
    for row in leads:
        if row["day"] in counts:
            counts[row["day"]].leads = row["n"]
    ended = (
        CallAttempt.objects.filter(
            call__workspace=workspace, status=CallAttempt.Status.ENDED, ended_at__gte=start, ended_at__lt=end,
        )
        .annotate(day=TruncDate("ended_at", tzinfo=zone)).values("day")
        .annotate(
            reached=Count("id", filter=Q(outcome=Outcome.COMPLETED)),
            not_reached=Count("id", filter=Q(outcome__in=NOT_REACHED)),
        )
    )
    for row in ended:
        if row["day"] in counts:
            counts[row["day"]].reached = row["reached"]
            counts[row["day"]].not_reached = row["not_reached"]
    return sorted(counts.items())


def next_scheduled(workspace, limit: int = 8):
    return (
        CallAttempt.objects.filter(call__workspace=workspace, status=CallAttempt.Status.PENDING)
        .select_related("call", "call__agent", "call__lead").order_by("scheduled_for")[:limit]
    )
