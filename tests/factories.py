"""factory_boy factories for the product's models."""
import factory
from django.contrib.auth import get_user_model

from accounts.models import ApiKey, Membership, Workspace
from agents.models import Agent, VariableMapping


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def save_password(user, create, extracted, **kwargs):
        if create:
            user.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Membership.Role.OWNER


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Agent {n}")
    provider = "simulator"


class VariableMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VariableMapping

    agent = factory.SubFactory(AgentFactory)
    name = factory.Sequence(lambda n: f"variable_{n}")
    field = "FirstName"


STANDARD_MAPPINGS = [
    ("name", "FirstName"),
    ("phone", "Phone"),
    ("email", "EmailAddress"),
    ("company", "Company"),
    ("city", "mx_City"),
    ("product_interest", "mx_Product_Interest"),
]


def agent_with_mappings(**kwargs) -> Agent:
    agent = AgentFactory(**kwargs)
    for position, (name, field) in enumerate(STANDARD_MAPPINGS):
        VariableMappingFactory(agent=agent, name=name, field=field, position=position)
    return agent


def issue_key(workspace: Workspace, name: str = "test") -> str:
    _, raw_key = ApiKey.issue(workspace, name)
    return raw_key
