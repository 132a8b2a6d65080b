"""Call pages render for leads of any shape and for any filter value."""
import pytest
from django.urls import reverse

from calls.models import Call, Lead
from calls.policy import CallPolicy


def call_for_fields(agent, fields, variables):
    lead = Lead.objects.create(workspace=agent.workspace, agent=agent, external_id=f"shape-{Lead.objects.count()}", fields=fields)
    return Call.objects.create(
        workspace=agent.workspace, agent=agent, lead=lead, phone="+919812345670", variables=variables,
        policy=CallPolicy().to_json(),
    )


LEAD_SHAPES = [
    # (lead fields, call variables, name shown)
    ({"ProspectID": "x", "Phone": "+919812345670"}, {}, "Unnamed lead"),
    ({"ProspectID": "x", "LastName": "Sharma"}, {"name": "Sharma"}, "Sharma"),
    ({"FirstName": "Asha", "LastName": "Verma"}, {}, "Asha Verma"),
    ({"Phone": 9812340010}, {"name": ""}, "Unnamed lead"),
]


@pytest.mark.parametrize(("fields", "variables", "shown"), LEAD_SHAPES)
def test_call_list_and_page_render(owner_client, agent, fields, variables, shown):
    call = call_for_fields(agent, fields, variables)

    listing = owner_client.get(reverse("calls"))
    page = owner_client.get(reverse("call-detail", args=[call.public_id]))

    assert listing.status_code == 200
    assert page.status_code == 200
    assert shown in listing.content.decode()
    assert shown in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"date_from": "notadate"}, {"date_to": "2026-13-45"}, {"agent": "nope"}, {"page": "abc"}, {"page": "9999"},
     {"status": "weird"}, {"outcome": "weird"}, {"q": "\x00"}],
)
def test_call_list_filters_never_fail(owner_client, agent, query):
    call_for_fields(agent, {"ProspectID": "y"}, {})

    response = owner_client.get(reverse("calls"), query)

    assert response.status_code in (200, 400)
