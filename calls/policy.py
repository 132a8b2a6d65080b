"""A call's policy: its calling window, timezone, carry-over and retry plan.

The policy is fixed when the lead arrives (from the webhook URL, the agent's defaults and
the workspace's timezone) and stored on the call as JSON, so later changes to the URL or
the agent do not move calls already planned.
"""
from dataclasses import dataclass, field
from datetime import time

from calls.outcomes_catalog import DEFAULT_RETRY_ON


@dataclass(frozen=True)
class CallingWindow:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class CallPolicy:
    timezone: str = "Asia/Kolkata"
    window: CallingWindow | None = None
    carry_over: bool = True
    # Hours to wait before each retry; its length is the number of retries.
    gaps_hours: tuple[float, ...] = ()
    retry_on: frozenset[str] = field(default_factory=lambda: DEFAULT_RETRY_ON)

    @property
    def max_attempts(self) -> int:
        return len(self.gaps_hours) + 1

    def to_json(self) -> dict:
        return {
            "timezone": self.timezone,
            "min_trigger_time": f"{self.window.start:%H:%M}" if self.window else None,
            "max_trigger_time": f"{self.window.end:%H:%M}" if self.window else None,
            "carry_over": self.carry_over,
            "num_of_retries": len(self.gaps_hours),
            "gap_between_retries": list(self.gaps_hours),
            "retry_on": sorted(self.retry_on),
        }

    @classmethod
    def from_json(cls, data: dict) -> "CallPolicy":
        window = None
        if data.get("min_trigger_time") and data.get("max_trigger_time"):
            window = CallingWindow(
                time.fromisoformat(data["min_trigger_time"]),
                time.fromisoformat(data["max_trigger_time"]),
            )
        return cls(
            timezone=data.get("timezone") or "Asia/Kolkata",
            window=window,
            carry_over=bool(data.get("carry_over", True)),
            gaps_hours=tuple(float(gap) for gap in data.get("gap_between_retries", [])),
            retry_on=frozenset(data.get("retry_on") or DEFAULT_RETRY_ON),
        )
