"""
The export benchmark: 1,000,000 initiatives exported as CSV by our streaming data-package
export, against datasette streaming the same rows from a SQLite file.

    python -m benchmarks.export [--rows 1000000] [--output PATH] [--check]

Product: GET /data/coalitions/bench/latest/initiatives.csv through Django's WSGI handler
(in-process), consumed chunk by chunk. Baseline: `datasette serve` on 127.0.0.1 (a free high
port) streaming `initiatives.csv?_stream=on` from a SQLite file holding the rows of our CSV.
Reported: rows a second for each, their ratio, the export's peak Python memory (tracemalloc,
in a second pass over the first 200,000 rows) against the size of the CSV streamed in that
pass, and the resident memory of the whole export, every row, untraced, in a fresh process
(benchmarks/export_rss.py): the largest over the first tenth of the rows and over all. The rows
have a lead organisation, sub-domains and partners, as real ones do. See docs/open-data.md.

Also the page's `.json` twin without `?page=` (GET /coalitions/bench/initiatives.json, every
row): its peak Python memory (tracemalloc) over the first N and the first 10N rows streamed,
N = 20,000 (or a tenth of --rows when fewer). The N run is the baseline: a twin that streams
has a ratio near 1, one that built the whole document first would grow with the rows.

And serving a dated release (GET /data/coalitions/bench/<date>.zip and one file of it), which
streams from the zip kept in the database: peak Python memory for a release of 4 MiB and one
of 32 MiB, the ratio of the two peaks and each peak against the archive's size.
"""

from __future__ import annotations

import argparse
import csv
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "export.json"
#: The export should stream: its peak Python memory stays under this, however many rows.
MEMORY_TARGET = 64 * 2**20
#: Our rows a second should be at least this share of datasette's.
SPEED_TARGET = 0.25
BATCH = 5000
#: Rows traced for the peak-memory measurement.
TRACED_ROWS = 200_000
#: N for the page twin's memory: traced over the first N and the first 10N rows.
PAGE_ROWS = 20_000
#: The page twin's peak for 10N rows should be at most this many times its peak for N.
PAGE_GROWTH_TARGET = 2.0
#: Sizes of the two releases served (incompressible bytes in the zip), and the target for the
#: ratio of their peaks: a release that streams costs no more memory when it is 8 times larger.
RELEASE_SIZES = (4 * 2**20, 32 * 2**20)
RELEASE_GROWTH_TARGET = 2.0
#: The whole export's largest resident memory should be at most this many times its largest
#: over the first tenth of the rows.
RSS_GROWTH_TARGET = 1.25


def _generate(rows: int, progress) -> None:
    """`rows` public initiatives of coalition "bench", with the relations a real coalition's
    have, so that the export's joins are measured too: a lead organisation for two in three,
    one or two of 8 sub-domains each, and a partner (of 50 organisations) for every other."""
    from smartplace.coalitions.models import Coalition
    from smartplace.frameworks.models import Domain, Framework, SubDomain
    from smartplace.initiatives.models import Initiative
    from smartplace.organisations.models import Organisation, Sector

    coalition = Coalition.objects.create(slug="bench", name="Borsetshire benchmark coalition")
    framework = Framework.objects.create(slug="bench-model", version="1", coalition=coalition,
                                         name="Borsetshire benchmark domain model")
    coalition.framework = framework
    coalition.save(update_fields=["framework"])
    subdomains = []
    for d in range(2):
        domain = Domain.objects.create(framework=framework, slug=f"domain-{d}",
                                       name=f"Domain {d}", position=d)
        subdomains += SubDomain.objects.bulk_create([
            SubDomain(domain=domain, slug=f"subdomain-{d}-{s}", name=f"Sub-domain {d}.{s}",
                      position=s) for s in range(4)])
    organisations = Organisation.objects.bulk_create([
        Organisation(slug=f"borsetshire-organisation-{o}", name=f"Borsetshire organisation {o}",
                     sector=Sector.values[o % len(Sector.values)]) for o in range(50)])
    serves = Initiative.subdomains.through
    partners = Initiative.partners.through
    statuses = ["idea", "planned", "active", "completed", "stopped"]
    for start in range(0, rows, BATCH):
        created = Initiative.objects.bulk_create([
            Initiative(coalition=coalition, slug=f"initiative-{n}",
                       title=f"Ambridge initiative {n:07d}", status=statuses[n % 5],
                       description="Helping Borsetshire residents, businesses and community "
                                   f"groups get online, number {n}.",
                       lead_organisation=organisations[n % 50] if n % 3 else None)
            for n in range(start, min(rows, start + BATCH))])
        serves.objects.bulk_create([
            serves(initiative_id=item.pk, subdomain_id=subdomains[(n + k) % 8].pk)
            for n, item in enumerate(created, start=start) for k in range(1 + n % 2)])
        partners.objects.bulk_create([
            partners(initiative_id=item.pk, organisation_id=organisations[(n + 7) % 50].pk)
            for n, item in enumerate(created, start=start) if n % 2 == 0])
        if start and start % 200_000 == 0:
            progress(f"  {start:,} initiatives")


def _product(rows: int, *, traced: bool, copy_to: Path | None = None) -> dict:
    """
    Stream the CSV export; with `traced`, only the first TRACED_ROWS rows under tracemalloc
    (tracing slows Python several times; memory that stays flat over them stays flat after).
    With `copy_to`, also write the CSV to that file (for the baseline's SQLite file).
    """
    from django.test import Client

    client = Client()
    limit = min(rows, TRACED_ROWS) if traced else rows
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/data/coalitions/bench/latest/initiatives.csv")
    size = lines = 0
    copy = copy_to.open("wb") if copy_to else None
    try:
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
            if copy:
                copy.write(chunk)
            if lines > limit:
                break
    finally:
        if copy:
            copy.close()
        response.close()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    assert response.status_code == 200 and lines - 1 >= limit, (response.status_code, lines)
    return {"seconds": seconds, "bytes": size, "rows": lines - 1, "peak_bytes": peak}


def _page_twin(limit: int) -> dict:
    """
    Stream the initiative list's `.json` twin (every row) under tracemalloc until `limit`
    rows have been sent, then close it: the peak memory while sending that many rows.
    """
    from django.test import Client

    client = Client()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/coalitions/bench/initiatives.json")
    size = rows = 0
    try:
        assert response.streaming, "the .json twin should stream"
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b'\n    {"id": ')
            if rows >= limit:
                break
    finally:
        response.close()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 200 and rows >= limit, (response.status_code, rows)
    return {"rows": rows, "bytes": size, "seconds": round(seconds, 3), "peak_bytes": peak}


def run_page_twin(*, rows: int, progress) -> dict:
    """The page twin's peak memory for N and 10N rows, and their ratio."""
    n = max(1, min(PAGE_ROWS, rows // 10))
    progress(f"Measuring the page's .json twin over {n:,} and {10 * n:,} rows (traced)…")
    small, large = _page_twin(n), _page_twin(10 * n)
    growth = large["peak_bytes"] / small["peak_bytes"]
    return {
        "description": "GET /coalitions/bench/initiatives.json (every row, streaming, "
                       "in-process WSGI), peak Python memory over the first N and 10N rows",
        "n": small, "ten_n": large,
        "peak_growth": round(growth, 3),
        "peak_growth_target": PAGE_GROWTH_TARGET,
        "peak_growth_target_met": growth <= PAGE_GROWTH_TARGET,
    }


def _release_zip(noise_bytes: int) -> bytes:
    """A release-shaped zip: a small CSV and `noise_bytes` of incompressible data."""
    import io
    import os
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bench/README.md", "# Benchmark release\n")
        archive.writestr("bench/noise.bin", os.urandom(noise_bytes),
                         compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def _serve_traced(url: str) -> dict:
    """Peak Python memory while `url` (a streamed download) is fetched and read to the end."""
    from django.test import Client

    client = Client()
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200 and response.streaming, (url, response.status_code)
        size = sum(len(chunk) for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {"bytes": size, "peak_bytes": peak}


def run_release_serving(*, progress) -> dict:
    """
    Serve two dated releases of coalition "bench" (RELEASE_SIZES) as a zip and as one file
    out of it, traced: the peaks, their ratio (large ÷ small) and each against its size.
    """
    from datetime import date

    from smartplace.opendata.models import DataRelease

    progress("Measuring the memory of serving releases of "
             + " and ".join(f"{size / 2**20:.0f} MiB" for size in RELEASE_SIZES) + "…")
    days = []
    for day, size in enumerate(RELEASE_SIZES, start=1):
        release = DataRelease.objects.create(
            kind="coalitions", key="bench", release_date=date(2026, 1, day),
            version=date(2026, 1, day).isoformat(), archive=_release_zip(size), files=[])
        days.append(release.version)
    result: dict = {"description": "GET /data/coalitions/bench/<date>.zip and <date>/noise.bin "
                                   "(streamed from the zip in the database, in-process WSGI), "
                                   "peak Python memory for a small and a large release",
                    "sizes": list(RELEASE_SIZES), "growth_target": RELEASE_GROWTH_TARGET}
    for what, suffix in (("zip", ".zip"), ("file", "/noise.bin")):
        _serve_traced(f"/data/coalitions/bench/{days[0]}{suffix}")  # warm caches
        small, large = (_serve_traced(f"/data/coalitions/bench/{day}{suffix}") for day in days)
        growth = large["peak_bytes"] / small["peak_bytes"]
        result[what] = {"small": small, "large": large, "peak_growth": round(growth, 3),
                        "large_peak_to_size": round(large["peak_bytes"] / large["bytes"], 4),
                        "growth_target_met": growth <= RELEASE_GROWTH_TARGET}
    DataRelease.objects.filter(kind="coalitions", key="bench").delete()
    return result


def _database_url() -> str:
    """The address of the throwaway database, for another process."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def run_whole_export_rss(*, rows: int, progress) -> dict:
    """The resident memory of one whole export, untraced, in a fresh process
    (benchmarks/export_rss.py): the largest over the first tenth of the rows and over all."""
    progress("Measuring the whole export's peak resident memory (fresh process)…")
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_rss", _database_url(), str(rows)],
        check=True, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parent.parent, timeout=3600)
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["rows"] >= rows, result
    result["growth_target"] = RSS_GROWTH_TARGET
    result["growth_target_met"] = result["growth"] <= RSS_GROWTH_TARGET
    return result


def _sqlite_from_csv(csv_path: Path, database: Path) -> None:
    """The rows of our CSV as table `initiatives` of a SQLite file (the same rows)."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        db = sqlite3.connect(database)
        try:
            columns = ", ".join(f'"{c}" {"INTEGER PRIMARY KEY" if c == "id" else "TEXT"}'
                                for c in header)
            db.execute(f"CREATE TABLE initiatives ({columns})")
            db.executemany(f"INSERT INTO initiatives VALUES ({', '.join('?' * len(header))})",
                           reader)
            db.commit()
        finally:
            db.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _datasette(database: Path, rows: int) -> dict:
    import httpx

    port = _free_port()
    command = [str(Path(sys.executable).parent / "datasette"), "serve", str(database),
               "--host", "127.0.0.1", "--port", str(port), "--setting", "allow_csv_stream",
               "on", "--setting", "sql_time_limit_ms", "600000",
               # datasette stops a CSV at 100 MB unless told otherwise; 1,000,000 rows are more
               "--setting", "max_csv_mb", "0"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("datasette did not start")
            time.sleep(0.2)
        url = f"{base}/{database.stem}/initiatives.csv?_stream=on&_size=max"
        started = time.perf_counter()
        size = lines = 0
        with httpx.stream("GET", url, timeout=600) as response:
            for chunk in response.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        assert response.status_code == 200 and lines - 1 >= rows, (response.status_code, lines)
        return {"seconds": seconds, "bytes": size, "rows": lines - 1}
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_export(*, rows: int, directory: Path, progress) -> dict:
    progress(f"Generating {rows:,} initiatives…")
    _generate(rows, progress)
    progress("Timing our CSV export…")
    product = _product(rows, traced=False, copy_to=directory / "initiatives.csv")
    progress("Loading the same rows into the SQLite file datasette serves…")
    database = directory / "smartplace.sqlite"
    _sqlite_from_csv(directory / "initiatives.csv", database)
    progress("Timing datasette's CSV stream…")
    baseline = _datasette(database, rows)
    progress("Measuring our export's peak memory (traced, slower)…")
    memory = _product(rows, traced=True)
    page_twin = run_page_twin(rows=rows, progress=progress)
    whole = run_whole_export_rss(rows=rows, progress=progress)
    releases = run_release_serving(progress=progress)
    product_rate = rows / product["seconds"]
    baseline_rate = rows / baseline["seconds"]
    return {
        "benchmark": "export",
        "rows": rows,
        "product": {"description": "GET /data/coalitions/bench/latest/initiatives.csv "
                                   "(streaming, in-process WSGI)",
                    "seconds": round(product["seconds"], 3), "bytes": product["bytes"],
                    "rows_per_second": round(product_rate)},
        "baseline": {"description": "datasette serve, initiatives.csv?_stream=on over HTTP on "
                                    "127.0.0.1, from a SQLite file of the same rows",
                     "seconds": round(baseline["seconds"], 3), "bytes": baseline["bytes"],
                     "rows_per_second": round(baseline_rate)},
        "speed_ratio": round(product_rate / baseline_rate, 3),
        "speed_target": SPEED_TARGET,
        "speed_target_met": product_rate / baseline_rate >= SPEED_TARGET,
        "traced_rows": memory["rows"],
        "peak_bytes": memory["peak_bytes"],
        "peak_to_csv_size": round(memory["peak_bytes"] / memory["bytes"], 4),
        "memory_target": MEMORY_TARGET,
        "memory_target_met": memory["peak_bytes"] <= MEMORY_TARGET,
        "page_json_twin": page_twin,
        "whole_export_rss": whole,
        "release_serving": releases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export",
                                     description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when a target is missed")
    arguments = parser.parse_args(argv)
    if arguments.rows < 1:
        parser.error("--rows must be at least 1")

    from benchmarks.run import _database_version, _setup_django, throwaway_database

    _setup_django()
    from django.test.utils import override_settings

    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="smartplace-bench-export-") as tmp:
        progress("Creating and migrating a throwaway database…")
        with throwaway_database(Path(tmp)) as database, override_settings(
                DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            result = run_export(rows=arguments.rows, directory=Path(tmp), progress=progress)
            result["database"] = {"description": database, "version": _database_version()}
    result["run_seconds"] = round(time.perf_counter() - started, 1)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    p, b = result["product"], result["baseline"]
    print(f"Export benchmark, {result['database']['version']}, {result['rows']:,} rows as CSV:")
    print(f"  ours      {p['rows_per_second']:>10,} rows/s ({p['seconds']:.1f} s, "
          f"{p['bytes'] / 2**20:.0f} MiB)")
    print(f"  datasette {b['rows_per_second']:>10,} rows/s ({b['seconds']:.1f} s)")
    print(f"  ratio {result['speed_ratio']} of datasette's speed (target ≥ {SPEED_TARGET}, "
          f"{'met' if result['speed_target_met'] else 'MISSED'}); peak memory "
          f"{result['peak_bytes'] / 2**20:.1f} MiB = {result['peak_to_csv_size']} of the CSV's "
          f"size (target ≤ {MEMORY_TARGET / 2**20:.0f} MiB, "
          f"{'met' if result['memory_target_met'] else 'MISSED'}; traced over the first "
          f"{result['traced_rows']:,} rows)")
    twin = result["page_json_twin"]
    print(f"  page .json twin peak memory {twin['n']['peak_bytes'] / 2**20:.1f} MiB for "
          f"{twin['n']['rows']:,} rows, {twin['ten_n']['peak_bytes'] / 2**20:.1f} MiB for "
          f"{twin['ten_n']['rows']:,}: ×{twin['peak_growth']} (target ≤ ×{PAGE_GROWTH_TARGET}, "
          f"{'met' if twin['peak_growth_target_met'] else 'MISSED'})")
    whole = result["whole_export_rss"]
    print(f"  whole export, {whole['rows']:,} rows untraced in a fresh process: resident "
          f"memory at most {whole['rss_largest_to_checkpoint_bytes'] / 2**20:.1f} MiB over the "
          f"first {whole['checkpoint_rows']:,} rows, {whole['rss_largest_bytes'] / 2**20:.1f} MiB "
          f"over all (Django ready: {whole['rss_ready_bytes'] / 2**20:.1f} MiB): "
          f"×{whole['growth']} (target ≤ ×{RSS_GROWTH_TARGET}, "
          f"{'met' if whole['growth_target_met'] else 'MISSED'})")
    releases = result["release_serving"]
    for what in ("zip", "file"):
        served = releases[what]
        print(f"  release {what}: peak memory {served['small']['peak_bytes'] / 2**20:.2f} MiB "
              f"for {served['small']['bytes'] / 2**20:.0f} MiB, "
              f"{served['large']['peak_bytes'] / 2**20:.2f} MiB for "
              f"{served['large']['bytes'] / 2**20:.0f} MiB: ×{served['peak_growth']} "
              f"(target ≤ ×{RELEASE_GROWTH_TARGET}, "
              f"{'met' if served['growth_target_met'] else 'MISSED'}; "
              f"{served['large_peak_to_size']} of the size)")
    print(f"Written to {arguments.output}")
    missed = not (result["speed_target_met"] and result["memory_target_met"]
                  and twin["peak_growth_target_met"] and whole["growth_target_met"]
                  and releases["zip"]["growth_target_met"]
                  and releases["file"]["growth_target_met"])
    return 1 if arguments.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
