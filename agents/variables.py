"""Rendering an agent's call variables from a lead's CRM fields."""
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from agents.formats import FormatContext, apply_format


@dataclass
class RenderedVariables:
    values: dict[str, str] = field(default_factory=dict)
    # Variables whose CRM field was absent or empty (a default may still have filled them).
    missing_fields: list[str] = field(default_factory=list)
    # Variable name → why its format could not read the value (the value passed through).
    format_problems: dict[str, str] = field(default_factory=dict)


def field_value(fields: Mapping[str, object], name: str) -> str | None:
    """Return the lead's value for ``name`` as text, or None when absent or empty.

    Schema names are matched exactly first, then without regard to case, because form
    bodies and hand-written automations do not always keep LeadSquared's casing.
    """
    value = fields.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in fields.items() if k.lower() == lowered), None)
    if value is None:
        return None
    text = value if isinstance(value, str) else _scalar_text(value)
    text = text.strip()
    return text or None


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_variables(
    mappings: Iterable, fields: Mapping[str, object], context: FormatContext | None = None,
) -> RenderedVariables:
    """Render every mapping against ``fields``; the result always has one value per mapping.

    ``context`` gives the timezone and phone region that date, time and phone formats use.
    """
    rendered = RenderedVariables()
    for mapping in mappings:
        raw = field_value(fields, mapping.field)
        if raw is None:
            rendered.missing_fields.append(mapping.field)
            rendered.values[mapping.name] = mapping.default_value
            continue

        formatted = apply_format(mapping.format, raw, context)
        rendered.values[mapping.name] = formatted.value
        if formatted.problem:
            rendered.format_problems[mapping.name] = formatted.problem
    return rendered
