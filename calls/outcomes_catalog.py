"""The outcome set every provider's end reasons are mapped onto."""
from django.db import models


class Outcome(models.TextChoices):
    COMPLETED = "completed", "Completed"  # a person talked with the agent
    VOICEMAIL = "voicemail", "Voicemail"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    REJECTED = "rejected", "Rejected"
    UNREACHABLE = "unreachable", "Unreachable"
    FAILED = "failed", "Failed"  # a transient dial or provider failure
    INVALID_NUMBER = "invalid_number", "Invalid number"
    CANCELED = "canceled", "Canceled"


# Outcomes that end a call: nothing is retried after them.
FINAL_OUTCOMES = frozenset({Outcome.COMPLETED, Outcome.INVALID_NUMBER, Outcome.CANCELED})
# The lead was not reached; these are retried while retries remain.
NOT_REACHED_OUTCOMES = frozenset(set(Outcome) - FINAL_OUTCOMES)
DEFAULT_RETRY_ON = frozenset(str(outcome) for outcome in NOT_REACHED_OUTCOMES)
