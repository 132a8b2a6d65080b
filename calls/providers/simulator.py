"""The simulator provider: places no real call and needs no network.

A call resolves after ``SIMULATOR_CALL_SECONDS`` through the same event path a real
provider's callback takes. Like a payment gateway's test cards, some numbers have fixed
outcomes; every other number is answered and completed.
"""
import secrets

from django.conf import settings

from calls.outcomes_catalog import Outcome
from calls.providers.base import CallEvent, CallRequest, Provider, StartedCall

TEST_NUMBERS = {
    "+919999900001": Outcome.NO_ANSWER,
    "+919999900002": Outcome.BUSY,
    "+919999900003": Outcome.FAILED,
    "+919999900004": Outcome.VOICEMAIL,
}


def simulated_outcome(phone: str) -> str:
    return str(TEST_NUMBERS.get(phone, Outcome.COMPLETED))


def simulated_transcript(variables: dict[str, str]) -> str:
    name = variables.get("name") or "there"
    interest = variables.get("product_interest")
    city = variables.get("city")
    lines = [f"Agent: Hello {name}, thank you for your enquiry."]
    if interest:
        lines.append(f"Agent: I am calling about your interest in {interest}.")
    if city:
        lines.append(f"Lead: Yes, I am in {city} and would like to know more.")
    else:
        lines.append("Lead: Yes, I would like to know more.")
    lines.append("Agent: Great, a specialist will follow up with the details today.")
    return "\n".join(lines)


class SimulatorProvider(Provider):
    name = "simulator"
    label = "Simulator (no real calls)"

    @property
    def callback_timeout(self) -> float:
        # The simulated end arrives after SIMULATOR_CALL_SECONDS; allow for a busy worker.
        return settings.SIMULATOR_CALL_SECONDS + 60

    def start_call(self, agent, request: CallRequest) -> StartedCall:
        from calls.tasks import finish_simulated_call

        provider_call_id = f"sim_{request.attempt_id}_{secrets.token_hex(6)}"
        finish_simulated_call.apply_async(
            (provider_call_id, request.attempt_id), countdown=settings.SIMULATOR_CALL_SECONDS,
        )
        return StartedCall(provider_call_id, {"simulated": True})

    def event_for(self, provider_call_id: str, attempt_id: int, phone: str, variables: dict) -> CallEvent:
        outcome = simulated_outcome(phone)
        completed = outcome == Outcome.COMPLETED
        return CallEvent(
            provider_call_id=provider_call_id,
            attempt_id=attempt_id,
            outcome=outcome,
            end_reason=f"simulated_{outcome}",
            duration_seconds=42.0 if completed else 0.0,
            transcript=simulated_transcript(variables) if completed else "",
            summary="The lead asked for details; follow-up promised." if completed else "",
            raw={"simulated": True, "outcome": outcome},
        )

    def fetch_call(self, agent, provider_call_id: str) -> CallEvent | None:
        from calls.models import CallAttempt

        attempt = CallAttempt.objects.select_related("call").filter(provider_call_id=provider_call_id).first()
        if attempt is None:
            return None
        return self.event_for(provider_call_id, attempt.pk, attempt.call.phone, attempt.call.variables)

    def parse_callback(self, request):
        raise NotImplementedError("The simulator sends no HTTP callbacks.")
