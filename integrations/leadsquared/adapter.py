"""LeadSquared as a source of leads: reading its webhook bodies."""
from integrations.payloads import PayloadError, decode_body

# Keys under which automation webhooks wrap the lead ("Current" is the lead after the
# change, "After" and "Data" appear in other automation templates).
WRAPPER_KEYS = ("Current", "After", "Data")
# Leads accepted in one delivery; a larger array is rejected whole, so nothing is half-done.
MAX_LEADS_PER_DELIVERY = 1000


class LeadSquaredAdapter:
    name = "leadsquared"
    label = "LeadSquared"

    def leads_from_body(self, raw: bytes, content_type: str) -> list[dict]:
        """Return the leads in a webhook body, each a flat dict of field → value.

        Raise PayloadError when the body contains no lead.
        """
        data = decode_body(raw, content_type)
        items = data if isinstance(data, list) else [data]
        if not items:
            raise PayloadError("the body is an empty array; send one lead object or an array of them")
        if len(items) > MAX_LEADS_PER_DELIVERY:
            raise PayloadError(
                f"the body has {len(items)} leads; send at most {MAX_LEADS_PER_DELIVERY} in one delivery"
            )

        leads = []
        for position, item in enumerate(items):
            lead = self.unwrap(item)
            if not isinstance(lead, dict):
                where = f"item {position}" if isinstance(data, list) else "the body"
                raise PayloadError(f"{where} is a JSON {json_type_name(lead)}, not a lead object")
            leads.append(with_prospect_name(without_nul(lead)))
        return leads

    def unwrap(self, item):
        """Take the lead out of an automation wrapper such as {"Current": {...}}."""
        for _ in range(2):
            if not isinstance(item, dict):
                return item
            wrapped = next((item[key] for key in WRAPPER_KEYS if isinstance(item.get(key), dict)), None)
            if wrapped is None:
                empty_wrapper = next((key for key in WRAPPER_KEYS if key in item and item[key] is None), None)
                if empty_wrapper and len(item) == 1:
                    raise PayloadError(f"{empty_wrapper} is null; the automation sent no lead")
                return item
            item = wrapped
        return item

    def lead_id(self, fields: dict) -> str | None:
        for key in ("ProspectID", "ProspectId", "prospectid"):
            value = fields.get(key)
            if isinstance(value, (str, int)) and str(value).strip():
                return str(value).strip()[:120]
        return None


def with_prospect_name(lead: dict) -> dict:
    """Add ProspectName (first and last name), which LeadSquared's guide maps but lead bodies lack."""
    if lead.get("ProspectName") not in (None, ""):
        return lead
    parts = [str(lead.get(key) or "").strip() for key in ("FirstName", "LastName")]
    full_name = " ".join(part for part in parts if part)
    return {**lead, "ProspectName": full_name} if full_name else lead


def json_type_name(value) -> str:
    names = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return names.get(type(value), type(value).__name__)


def without_nul(value):
    """Drop NUL characters from every string; PostgreSQL cannot store them in text or JSON."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value
