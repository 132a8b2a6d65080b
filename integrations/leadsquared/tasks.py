"""Celery tasks of the LeadSquared integration. Each takes ids and re-reads its rows.

Retries are not Celery retries: the row records the try count and ``next_try_at``, and the
task is sent again with a countdown, so the database stays the schedule and the dispatcher's
recovery finds work whose task was lost.
"""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="integrations.leadsquared.lookup_lead", ignore_result=True)
def lookup_lead(lookup_id: int) -> None:
    from integrations.leadsquared.resolving import run_lookup

    run_lookup(lookup_id)


@shared_task(name="integrations.leadsquared.send_write_back", ignore_result=True)
def send_write_back(write_back_id: int) -> None:
    from integrations.leadsquared.writeback import send

    send(write_back_id)
