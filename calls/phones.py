"""Phone numbers: every number is dialled in E.164, read with ``phonenumbers``."""
import phonenumbers


def to_e164(raw: str | None, default_region: str = "IN") -> str | None:
    """Return ``raw`` as E.164, or None when it is not a valid number.

    ``+91-98765-43210``, ``09876543210``, ``00919876543210`` and ``9876543210`` (region IN)
    all become ``+919876543210``.
    """
    if not raw:
        return None
    text = str(raw).strip()
    if text.startswith("00"):
        # The international call prefix most countries use, India's included.
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
