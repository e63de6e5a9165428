"""The embedded mode's broker: a worker never reads a message before it is written whole (portal/broker.py)."""

import threading

from kombu import Connection
from kombu.exceptions import ChannelError
from kombu.transport.virtual import Empty

import portal.celery  # noqa: F401 - registers the "portalfs" transport as every process does


def channel(folder):
    queue = folder / "queue"
    queue.mkdir(exist_ok=True)
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue), "control_folder": str(folder / "control")}
    return Connection("portalfs://", transport_options=options).channel(), queue


def test_a_message_being_written_is_not_read(tmp_path):
    sender, queue = channel(tmp_path)
    # A message half written, as the sender leaves it until it renames it into place.
    (queue / "1_abc.celery.msg.part").write_bytes(b'{"half":')

    try:
        sender._get("celery")
        raised = None
    except Empty as exc:
        raised = exc
    assert isinstance(raised, Empty)

    sender._put("celery", {"body": "whole"})
    assert sender._get("celery") == {"body": "whole"}
    assert [p.name for p in queue.iterdir()] == ["1_abc.celery.msg.part"]


def test_a_worker_polling_while_messages_are_sent_reads_every_one_whole(tmp_path):
    sender, _queue = channel(tmp_path)
    worker, _ = channel(tmp_path)
    received, errors, done = [], [], threading.Event()

    def poll():
        while not done.is_set() or len(received) < 300:
            try:
                received.append(worker._get("celery")["n"])
            except Empty:
                continue
            except (ValueError, ChannelError) as exc:  # JSONDecodeError is a ValueError
                errors.append(exc)
                return

    reader = threading.Thread(target=poll)
    reader.start()
    for n in range(300):
        sender._put("celery", {"n": n, "padding": "x" * 5000})
    done.set()
    reader.join(timeout=30)

    assert errors == []
    assert sorted(received) == list(range(300))
