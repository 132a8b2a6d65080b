"""The activity posted on a LeadSquared lead for each ended call attempt, and its activity type.

Body of ProspectActivity.svc/Create (LeadSquared API documentation, "Post an Activity on a
Lead"): RelatedProspectId (the lead), ActivityEvent (the activity type's event code),
ActivityNote, and ActivityDateTime in UTC as "YYYY-MM-DD HH:MM:SS". Everything about the
attempt goes into the note, so any existing activity type can carry it without custom fields.
"""
from zoneinfo import ZoneInfo

from calls.models import Call, CallAttempt
from calls.outcomes_catalog import Outcome
from integrations.models import LeadSquaredConnection

# Characters of a transcript quoted when the provider gave no summary.
TRANSCRIPT_EXCERPT = 500
# NOTE: LeadSquared documents no maximum length of ActivityNote; this cap is a guess that
# keeps notes readable in the lead's activity history.
MAX_NOTE_LENGTH = 4000
DEFAULT_TYPE_NAME = "AI phone call"
DEFAULT_TYPE_DESCRIPTION = "Result of an AI phone call placed by Callkaro: outcome, duration, summary, recording."
# Direction 1 marks an outbound activity, 0 an inbound one.
OUTBOUND = 1

FINAL_RESULTS = {
    Call.Status.COMPLETED: "Completed",
    Call.Status.NOT_REACHED: "Not reached",
    Call.Status.CANCELED: "Canceled",
}


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    total = int(round(seconds))
    minutes, rest = divmod(total, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def activity_note(attempt: CallAttempt, call_ended: bool) -> str:
    """Write the note for one ended attempt: outcome, number, duration, summary, recording, next step.

    NOTE: the note contains what the attempt row has when the write-back is sent. A transcript,
    summary or recording that a provider reports after the end event is not added later.
    """
    call = attempt.call
    policy = call.call_policy
    zone = ZoneInfo(policy.timezone)
    outcome = Outcome(attempt.outcome).label if attempt.outcome in Outcome.values else (attempt.outcome or "unknown")

    lines = [
        f"AI call attempt {attempt.number} of {policy.max_attempts}: {outcome}",
        f"Duration: {format_duration(attempt.duration_seconds)}",
    ]
    if attempt.summary.strip():
        lines.append(f"Summary: {_excerpt(attempt.summary, TRANSCRIPT_EXCERPT * 2)}")
    elif attempt.transcript.strip():
        lines.append(f"Transcript excerpt: {_excerpt(attempt.transcript, TRANSCRIPT_EXCERPT)}")
    if attempt.recording_url:
        lines.append(f"Recording: {attempt.recording_url}")

    next_attempt = CallAttempt.objects.filter(call=call, number=attempt.number + 1).first()
    if next_attempt is not None and not call_ended:
        local = next_attempt.scheduled_for.astimezone(zone)
        lines.append(f"Next attempt: {local:%Y-%m-%d %H:%M} {policy.timezone}")
    else:
        call.refresh_from_db(fields=["status"])
        lines.append(f"Final result: {FINAL_RESULTS.get(call.status, call.get_status_display())} after {attempt.number} attempt(s)")
    lines.append(f"Call: {call.public_id}")

    note = "\n".join(lines)
    return note if len(note) <= MAX_NOTE_LENGTH else note[: MAX_NOTE_LENGTH - 1] + "…"


def activity_body(attempt: CallAttempt, event_code: int, prospect_id: str, call_ended: bool) -> dict:
    moment = attempt.ended_at or attempt.created_at
    return {
        "RelatedProspectId": prospect_id,
        "ActivityEvent": event_code,
        "ActivityNote": activity_note(attempt, call_ended),
        "ActivityDateTime": moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S"),
    }


def create_activity_type(connection: LeadSquaredConnection, name: str = DEFAULT_TYPE_NAME) -> int:
    """Create an activity type for call results in LeadSquared and use it for this workspace.

    Returns the new activity event code. Raises LeadSquaredError when LeadSquared refuses.
    """
    from integrations.leadsquared.connection import client_for

    name = (name or "").strip() or DEFAULT_TYPE_NAME
    code = client_for(connection, max_retries=2).create_activity_type({
        "ActivityEventName": name[:100],
        "Score": 0,
        "Description": DEFAULT_TYPE_DESCRIPTION,
        "Direction": OUTBOUND,
    })
    set_activity_event_code(connection, code)
    return code


def set_activity_event_code(connection: LeadSquaredConnection, code) -> int:
    """Use an existing activity type (its event code, a positive number) for call results."""
    try:
        value = int(str(code).strip())
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{code!r} is not an activity event code; enter the positive number LeadSquared shows for the activity type.")
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(activity_event_code=value)
    connection.activity_event_code = value
    return value
