"""Running work at the same moment on real PostgreSQL: one thread and one connection each."""

import threading

from django.db import connection


def run_at_once(functions) -> list:
    """Run each function in its own thread and connection, released together by a barrier; returns the errors."""
    barrier = threading.Barrier(len(functions))
    errors: list = []

    def worker(function):
        try:
            barrier.wait()
            function()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
