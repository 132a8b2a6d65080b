"""Gunicorn logger that keeps API keys out of the access and error logs."""
from gunicorn.glogging import Logger

from callkaro.redaction import redact_url


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q", "U", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact_url(atoms[name])
        return atoms

    def error(self, msg, *args, **kwargs):
        super().error(redact_url(str(msg)), *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(redact_url(str(msg)), *args, **kwargs)
