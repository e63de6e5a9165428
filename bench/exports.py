"""One export measurement in its own process: the portal's CSV or XLSX writer, or the raw psycopg baseline.

    python -m bench.exports csv|xlsx|baseline <consultation ids, comma-separated>

Prints JSON: rows, seconds, and how much the process's peak resident memory grew while writing.
"""

import csv
import json
import os
import resource
import sys
import tempfile
import time


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Null:
    def write(self, value):
        return len(value)


def main() -> None:
    kind, ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    import django

    django.setup()
    from django.db import connection, transaction

    from consultations.exports import DEFAULT_COLUMNS, csv_rows, write_xlsx
    from consultations.models import Registration

    queryset = Registration.objects.filter(consultation__in=ids).order_by("consultation", "arrival", "pk")
    connection.ensure_connection()
    before, start, rows = peak_kib(), time.perf_counter(), 0
    if kind == "csv":
        sink = Null()
        for line in csv_rows(queryset, DEFAULT_COLUMNS):
            sink.write(line)
            rows += 1
        rows -= 1  # the heading
    elif kind == "xlsx":
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            rows = write_xlsx(queryset, DEFAULT_COLUMNS, handle.name)
    else:
        # The baseline: the same rows and columns read with a raw psycopg cursor, written by csv.writer.
        sql = (
            "SELECT p.display_name, u.email, p.organisation, p.country, r.attendance, r.status "
            "FROM consultations_registration r JOIN portal_user u ON u.id = r.user_id "
            "LEFT JOIN portal_profile p ON p.user_id = u.id WHERE r.consultation_id = ANY(%s) "
            "ORDER BY r.consultation_id, r.arrival, r.id"
        )
        writer = csv.writer(Null())
        with transaction.atomic(), connection.connection.cursor(name="baseline") as cursor:
            cursor.itersize = 2000
            cursor.execute(sql, [ids])
            for row in cursor:
                writer.writerow(row)
                rows += 1
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {"rows": rows, "seconds": round(seconds, 3), "peak_growth_mb": round((peak_kib() - before) / 1024, 1)}
        )
    )


if __name__ == "__main__":
    main()
