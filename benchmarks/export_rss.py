"""
The peak resident memory of one whole CSV export, measured in a fresh process so that nothing
else the benchmark did (generating a million rows, tracing) counts.

    python -m benchmarks.export_rss DATABASE_URL ROWS

Streams GET /data/coalitions/bench/latest/initiatives.csv to the end, untraced, reading the
process's current resident set size (Linux /proc/self/statm) every SAMPLE_EVERY chunks, and
prints one JSON object: the resident size once Django is ready, the largest sample over the
first tenth of the rows (the checkpoint) and over the whole export, with their ratio, and the
process's peak (`ru_maxrss`) for reference. Sampling the current size, not the peak, keeps
the measure sensitive below whatever importing Django and its libraries peaked at. An export
that streams holds no more over the whole run than over its first tenth: the ratio stays near
1 however many rows there are.
"""

from __future__ import annotations

import json
import os
import resource
import sys

#: Chunks (rows) between two readings of the resident size.
SAMPLE_EVERY = 1000


def _peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


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
        ready = _resident_bytes()
        response = client.get("/data/coalitions/bench/latest/initiatives.csv")
        lines, chunks, largest, at_checkpoint = 0, 0, ready, None
        try:
            for chunk in response.streaming_content:
                lines += chunk.count(b"\r\n")
                chunks += 1
                if chunks % SAMPLE_EVERY == 0:
                    largest = max(largest, _resident_bytes())
                if at_checkpoint is None and lines - 1 >= checkpoint:
                    at_checkpoint = largest
        finally:
            response.close()
        largest = max(largest, _resident_bytes())
    at_checkpoint = at_checkpoint or largest
    print(json.dumps({"rows": lines - 1, "checkpoint_rows": checkpoint,
                      "rss_ready_bytes": ready,
                      "rss_largest_to_checkpoint_bytes": at_checkpoint,
                      "rss_largest_bytes": largest,
                      "peak_rss_bytes": _peak_bytes(),
                      "growth": round(largest / at_checkpoint, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
