"""Registry of voice-AI providers: name → adapter class path."""
from django.utils.module_loading import import_string

from calls.providers.base import Provider

PROVIDERS: dict[str, str] = {
    "simulator": "calls.providers.simulator.SimulatorProvider",
    "retell": "calls.providers.retell.RetellProvider",
    "vapi": "calls.providers.vapi.VapiProvider",
    "bland": "calls.providers.bland.BlandProvider",
}

_instances: dict[str, Provider] = {}


def get_provider(name: str) -> Provider:
    if name not in _instances:
        if name not in PROVIDERS:
            raise KeyError(f"Unknown provider {name!r}; known: {', '.join(sorted(PROVIDERS))}.")
        _instances[name] = import_string(PROVIDERS[name])()
    return _instances[name]


def provider_choices() -> list[tuple[str, str]]:
    return [(name, get_provider(name).label) for name in PROVIDERS]
