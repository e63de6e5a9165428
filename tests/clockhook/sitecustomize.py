"""Started by Python in the test suite's subprocesses (gunicorn, Celery, manage.py) when ``--clock`` is given.

``tests/clock.py`` puts this folder on ``PYTHONPATH`` and the offset in the
environment, so a worker started by a test reads the same moved clock as the
test itself.
"""

import os

_offset = os.environ.get("PORTAL_TEST_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_offset), tick=True).start()
