"""Decoding webhook bodies into flat field dictionaries, shared by every CRM."""
import codecs
import json
from urllib.parse import parse_qsl


class PayloadError(ValueError):
    """The body cannot be read as leads. The message explains why."""


BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def media_type_and_charset(content_type: str) -> tuple[str, str | None]:
    parts = [part.strip() for part in (content_type or "").split(";")]
    media_type = parts[0].lower()
    charset = None
    for part in parts[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
    return media_type, charset


def decode_text(raw: bytes, charset: str | None) -> str:
    """Decode ``raw``; a byte-order mark wins over the declared charset."""
    encoding = charset or "utf-8"
    for bom, bom_encoding in BOMS:
        if raw.startswith(bom):
            raw, encoding = raw[len(bom):], bom_encoding
            break
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise PayloadError(f"the body is not valid {encoding} text (byte {error.start})") from error


def parse_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PayloadError(f"the body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    except RecursionError as error:
        raise PayloadError("the body is JSON nested too deeply") from error


def parse_form(text: str) -> dict:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, max_num_fields=2000)
    except ValueError as error:
        raise PayloadError(f"the form body could not be read: {error}") from error
    if not pairs:
        raise PayloadError("the form body has no fields")
    return dict(pairs)


def decode_body(raw: bytes, content_type: str):
    """Return the body as parsed JSON (any value) or a dict of form fields.

    JSON is read from application/json (any charset, with or without a byte-order mark),
    any ``+json`` type and text/plain; form bodies from application/x-www-form-urlencoded.
    Without a usable content type, JSON is tried first, then a form.
    """
    media_type, charset = media_type_and_charset(content_type)
    if media_type.startswith("multipart/"):
        raise PayloadError("multipart bodies are not read; set the webhook's content type to application/json")
    text = decode_text(raw, charset).strip()
    if not text:
        raise PayloadError("the body is empty")

    if media_type == "application/x-www-form-urlencoded":
        return parse_form(text)
    if media_type in ("application/json", "text/json") or media_type.endswith("+json"):
        return parse_json(text)
    if text[0] in "[{":
        return parse_json(text)
    if "=" in text:
        return parse_form(text)
    raise PayloadError(f"the body is neither JSON nor form fields (content type {media_type or 'missing'})")
