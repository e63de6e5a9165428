"""kombu's filesystem transport, with each message written whole before a worker can see it.

The embedded mode (``make run``) runs a real Celery worker on kombu's filesystem transport. Its sender creates
the message file and then writes it; a worker polling in between moves the still empty file away, fails to
read it ("JSONDecodeError") and stops for good, and the message is lost. Here a message is written under a name
no worker reads (``….msg.part``) and renamed into place, which is atomic on one file system.
"""

import os
import uuid
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

ALIAS = "portalfs"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"  # "<id>.<queue>.msg.part": not the "<queue>.msg" a worker looks for
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES[ALIAS] = "portal.broker:Transport"
