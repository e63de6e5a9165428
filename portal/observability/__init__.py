"""Seeing the portal in production: one JSON log line per request and per task run, Prometheus metrics, and
an optional error reporter (README "Seeing it in production").

- ``timing``: the SQL query counter (an execute wrapper) and the JSON log line, shared by the two below;
- ``middleware``: per request, its route, status, duration and queries, logged and counted (``REQUEST_LOG``,
  ``REQUEST_METRICS``);
- ``task_runs``: the same for each Celery task run, and the worker's own metrics server (``CELERY_METRICS_PORT``);
- ``metrics``: the figures, what is read at scrape time (queue length, reminders), and ``/metrics``, readable only
  from inside the deployment;
- ``sentry``: Sentry, initialised only when ``SENTRY_DSN`` is set, scrubbed of personal data.

Nothing here names a raw path, a query string, a cookie or a person: routes are URL names (or patterns), and a
request says only whether somebody was signed in.
"""
