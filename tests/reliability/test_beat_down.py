"""Beat down, so no dispatcher runs. A lead due now is still dialled, because the webhook enqueues
it itself. Its retry waits in the database until the dispatcher runs again."""
import time

import pytest
from django.test import Client

from calls.models import Call, CallAttempt
from calls.outcomes_catalog import Outcome
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.conftest import requires_server_database
from tests.reliability.helpers import encode, lead_body, webhook_url
from tests.reliability.stack import wait_until

pytestmark = [requires_server_database, pytest.mark.slow]

# 0.0003 hours: the retry gap, compressed to 1.08 seconds.
GAP_HOURS = 0.0003
# A simulator number whose calls always end as no_answer.
NO_ANSWER_PHONE = "+919999900001"


def test_retry_waits_for_dispatcher(stack):
    workspace = WorkspaceFactory(slug="beat-down")
    agent = agent_with_mappings(workspace=workspace, provider="simulator")
    processes = stack(SIMULATOR_CALL_SECONDS=0.2)
    processes.start_worker("worker", concurrency=2)

    response = Client(HTTP_HOST="127.0.0.1").post(
        webhook_url(agent, issue_key(workspace), num_of_retries=1, gap_between_retries=GAP_HOURS),
        encode(lead_body(phone=NO_ANSWER_PHONE)), content_type="application/json",
    )
    first = wait_until(
        lambda: CallAttempt.objects.filter(number=1, status=CallAttempt.Status.ENDED).first(),
        timeout=30, message="the first attempt to end without a dispatcher",
    )
    # Well past the retry's due time: only the dispatcher enqueues an attempt that was not due at intake.
    time.sleep(5)
    retry_while_down = CallAttempt.objects.get(number=2)
    dispatcher_started_at = time.time()
    processes.start_dispatcher()
    retry = wait_until(
        lambda: CallAttempt.objects.filter(number=2, status=CallAttempt.Status.ENDED).first(),
        timeout=30, message="the retry to be dialled once the dispatcher runs",
    )

    assert response.status_code == 200
    assert first.outcome == Outcome.NO_ANSWER
    assert retry_while_down.status == CallAttempt.Status.PENDING
    assert retry_while_down.started_at is None
    assert retry.started_at.timestamp() >= dispatcher_started_at
    assert retry.outcome == Outcome.NO_ANSWER
    assert Call.objects.get().status == Call.Status.NOT_REACHED
