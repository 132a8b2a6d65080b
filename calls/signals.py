"""Signals other apps use to follow calls without the calls app knowing them."""
from django.dispatch import Signal

# Sent after the transaction that recorded an attempt's outcome commits.
# Arguments: attempt_id (int), call_ended (bool: no further attempt is planned).
attempt_ended = Signal()
