"""The Variable Source preview: every variable rendered against a sample lead."""
import json
from dataclasses import dataclass
from pathlib import Path

from agents.formats import FORMATS, FormatContext
from agents.variables import field_value, render_variables

SAMPLE_LEAD_PATH = Path(__file__).resolve().parent.parent / "integrations" / "leadsquared" / "samples" / "lead-created.json"


def sample_lead_fields() -> dict:
    """Load the built-in LeadSquared "Lead created" sample."""
    return json.loads(SAMPLE_LEAD_PATH.read_text())


@dataclass
class PreviewRow:
    mapping: object
    raw: str | None
    value: str
    # Reason the format could not read the raw value, which is passed through unchanged.
    problem: str | None
    missing: bool

    @property
    def format_label(self) -> str:
        fmt = FORMATS.get(self.mapping.format)
        return fmt.label if fmt else (self.mapping.format or "As received")


@dataclass
class Preview:
    source: str  # "lead" or "sample"
    lead: object | None
    rows: list[PreviewRow]
    values: dict[str, str]

    @property
    def values_json(self) -> str:
        return json.dumps(self.values, indent=2, ensure_ascii=False)

    @property
    def problem_count(self) -> int:
        return sum(1 for row in self.rows if row.problem)


def preview_variables(agent) -> Preview:
    """Render the agent's variables against its last real lead, else the built-in sample."""
    lead = agent.leads.order_by("-received_at", "-id").first()
    fields = lead.fields if lead is not None else sample_lead_fields()
    mappings = list(agent.mappings.all())
    context = FormatContext(timezone=agent.workspace.timezone, region=agent.workspace.default_region)
    rendered = render_variables(mappings, fields, context)

    rows = []
    for mapping in mappings:
        raw = field_value(fields, mapping.field)
        rows.append(PreviewRow(
            mapping=mapping, raw=raw, value=rendered.values[mapping.name],
            problem=rendered.format_problems.get(mapping.name), missing=raw is None,
        ))
    return Preview("lead" if lead is not None else "sample", lead, rows, rendered.values)
