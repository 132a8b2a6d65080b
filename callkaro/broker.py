"""kombu's file-system transport, with message files written atomically.

The stock transport creates a message file and then writes it, so a consumer listing
the folder in between can take the empty file and the worker stops with a
JSONDecodeError (kombu issue #1551, open as of kombu 5.7). Here each message is written
to a name the consumer ignores and renamed into place, which is atomic on POSIX.
"""
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        filename = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, filename)
        # The consumer only takes names ending in ".{queue}.msg".
        partial = path + ".partial"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, path)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {filename!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
