"""
The peak resident memory of one whole CSV export, measured in a fresh process so that nothing
else the benchmark did (generating a million rows, tracing) counts.

    python -m benchmarks.export_rss DATABASE_URL ROWS

Streams GET /data/coalitions/bench/latest/initiatives.csv to the end, untraced, and prints one
JSON object: the process's peak resident set size (Linux `ru_maxrss`) once Django is ready,
after the first tenth of the rows (the checkpoint), and at the end, with their ratio. An
export that streams holds no more at the end than at the checkpoint: the ratio stays near 1
however many rows there are.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def _peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def main(argv: list[str]) -> int:
    database_url, rows = argv[0], int(argv[1])
    os.environ["DATABASE_URL"] = database_url
    from benchmarks.run import _setup_django

    _setup_django()
    from django.test import Client
    from django.test.utils import override_settings

    checkpoint = max(1, rows // 10)
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.get("/")  # imports, URL configuration and templates loaded before measuring
        ready = _peak_bytes()
        response = client.get("/data/coalitions/bench/latest/initiatives.csv")
        lines, at_checkpoint = 0, None
        try:
            for chunk in response.streaming_content:
                lines += chunk.count(b"\r\n")
                if at_checkpoint is None and lines - 1 >= checkpoint:
                    at_checkpoint = _peak_bytes()
        finally:
            response.close()
        at_end = _peak_bytes()
    print(json.dumps({"rows": lines - 1, "checkpoint_rows": checkpoint,
                      "peak_rss_ready_bytes": ready,
                      "peak_rss_at_checkpoint_bytes": at_checkpoint or at_end,
                      "peak_rss_at_end_bytes": at_end,
                      "growth": round(at_end / (at_checkpoint or at_end), 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
