"""The LeadSquared lead fields offered in the Variable Source dropdown."""
from dataclasses import dataclass


@dataclass(frozen=True)
class LeadField:
    schema_name: str
    display_name: str
    data_type: str


# Standard fields every LeadSquared account has, offered when no connection is set up.
STANDARD_FIELDS = (
    LeadField("ProspectID", "Lead ID", "Text"),
    LeadField("FirstName", "First Name", "Text"),
    LeadField("LastName", "Last Name", "Text"),
    LeadField("ProspectName", "Full Name (First and Last)", "Text"),
    LeadField("EmailAddress", "Email", "Email"),
    LeadField("Phone", "Phone Number", "Phone"),
    LeadField("Mobile", "Mobile Number", "Phone"),
    LeadField("Company", "Company", "Text"),
    LeadField("JobTitle", "Job Title", "Text"),
    LeadField("Source", "Lead Source", "Text"),
    LeadField("ProspectStage", "Lead Stage", "Text"),
    LeadField("OwnerIdEmailAddress", "Lead Owner", "Email"),
    LeadField("Notes", "Notes", "Text"),
    LeadField("CreatedOn", "Created On", "DateTime"),
)


def fields_for(workspace) -> list[LeadField]:
    """Return the workspace's cached LeadSquared fields, or the standard ones when not connected."""
    connection = getattr(workspace, "leadsquared", None) if workspace is not None else None
    cached = connection.fields_cache if connection is not None else None
    if not cached:
        return list(STANDARD_FIELDS)
    return [LeadField(item["schema_name"], item["display_name"], item["data_type"]) for item in cached]
