"""
The overlap recompute memory benchmark: the application's full recompute,
`smartplace.insights.overlaps.overlaps_recompute()`, through the database, at N and 4N
initiatives, with its peak memory at 4N as a ratio of its peak at N.

    python -m benchmarks.overlaps_recompute [--initiatives 2500] [--seed 2017]
                                            [--output PATH] [--check]

The initiatives are those of `benchmarks.overlaps.generate` (kinds of work written up by
different councils), each with the sub-domain its kind names mapped onto one of the Sheffield
2017 framework's, bulk-inserted into one coalition of a throwaway database
(`benchmarks.run.throwaway_database`). The recompute runs with the TF-IDF method under
`tracemalloc` (Python's allocations; the database driver's own buffers are not counted) once
with N initiatives and again after 3N more are added. Everything it holds that grows with the
initiatives (ids, vectors, blocking keys, pairs found) grows linearly, so the peak ratio
should be about 4 (less, for what does not grow); quadratic growth would give 16. Target:
at most `TARGET_RATIO`. See docs/benchmarks.md and docs/methods/similarity.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "overlaps_recompute.json"
#: peak(4N) ÷ peak(N): 4 is linear growth, 16 quadratic.
TARGET_RATIO = 6.0
BATCH = 2000


def _insert(documents, *, start: int, coalition, subdomains: dict[str, int]) -> None:
    """Bulk-insert `documents` as initiatives numbered from `start`, with their sub-domain."""
    from smartplace.initiatives.models import Initiative

    through = Initiative.subdomains.through
    for offset in range(0, len(documents), BATCH):
        batch = documents[offset:offset + BATCH]
        created = Initiative.objects.bulk_create([
            Initiative(coalition=coalition, slug=f"initiative-{start + offset + n}",
                       title=document.title, description=document.description,
                       status="active")
            for n, document in enumerate(batch)])
        through.objects.bulk_create([
            through(initiative_id=initiative.pk, subdomain_id=subdomains[document.subdomains[0]])
            for initiative, document in zip(created, batch, strict=True)])


def _measure(progress) -> dict:
    """One traced full recompute of every initiative in the database."""
    from smartplace.insights.overlaps import overlaps_recompute

    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    summary = overlaps_recompute(progress=progress)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"initiatives": summary.initiatives, "pairs": summary.pairs,
            "seconds": round(seconds, 1), "peak_bytes": peak,
            "peak_bytes_per_initiative": round(peak / max(1, summary.initiatives))}


def run_overlaps_recompute(*, initiatives: int, seed: int, progress=print) -> dict:
    """Measure the recompute at `initiatives` and 4 × `initiatives` (needs a migrated database)."""
    from django.test.utils import override_settings

    from benchmarks.overlaps import generate
    from smartplace.coalitions.services import coalition_create
    from smartplace.frameworks.models import Framework, SubDomain
    from smartplace.frameworks.services import framework_load_builtins

    framework_load_builtins()
    builtin = Framework.objects.get(slug="sheffield-2017", coalition__isnull=True)
    coalition = coalition_create(slug="bench", name="Benchmark", framework=builtin)
    real = list(SubDomain.objects.filter(domain__framework=coalition.framework)
                .order_by("pk").values_list("pk", flat=True))
    progress(f"Generating {4 * initiatives:,} initiatives…")
    documents = generate(initiatives=4 * initiatives, seed=seed)
    names = sorted({document.subdomains[0] for document in documents})
    subdomains = {name: real[n % len(real)] for n, name in enumerate(names)}
    sizes = []
    with override_settings(SMARTPLACE_SIMILARITY_METHOD="tfidf"):
        _insert(documents[:initiatives], start=0, coalition=coalition, subdomains=subdomains)
        progress(f"Recompute of {initiatives:,} initiatives (traced)…")
        sizes.append(_measure(lambda message: None))
        _insert(documents[initiatives:], start=initiatives, coalition=coalition,
                subdomains=subdomains)
        progress(f"Recompute of {4 * initiatives:,} initiatives (traced)…")
        sizes.append(_measure(lambda message: None))
    small, large = sizes
    ratio = large["peak_bytes"] / small["peak_bytes"] if small["peak_bytes"] else 0.0
    growth = (large["peak_bytes"] - small["peak_bytes"]) / max(
        1, large["initiatives"] - small["initiatives"])
    return {
        "benchmark": "overlaps-recompute", "seed": seed, "sizes": sizes,
        "peak_ratio": round(ratio, 2),
        "added_bytes_per_initiative": round(growth),
        "time_ratio": round(large["seconds"] / small["seconds"], 2) if small["seconds"] else None,
        "target_peak_ratio": TARGET_RATIO, "target_met": ratio <= TARGET_RATIO,
    }


def report(result: dict) -> str:
    """The results as the lines the command prints."""
    lines = [f"{'overlaps recompute':<20} {'initiatives':>11} {'pairs':>8} {'seconds':>8} "
             f"{'peak MiB':>9} {'KiB each':>9}"]
    for size in result["sizes"]:
        lines.append(f"{'':<20} {size['initiatives']:>11,} {size['pairs']:>8,} "
                     f"{size['seconds']:>8.1f} {size['peak_bytes'] / 2**20:>9.1f} "
                     f"{size['peak_bytes_per_initiative'] / 1024:>9.2f}")
    verdict = "met" if result["target_met"] else "MISSED"
    lines.append(
        f"peak ratio 4N/N = {result['peak_ratio']:.2f}x (target ≤ {TARGET_RATIO}x; linear 4x, "
        f"quadratic 16x)  {verdict}; each added initiative "
        f"{result['added_bytes_per_initiative'] / 1024:.2f} KiB; time ratio "
        f"{result['time_ratio']}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.overlaps_recompute",
                                     description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--initiatives", type=int, default=2500,
                        help="N: the first size; the second is 4N (default 2500)")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when the target is missed")
    arguments = parser.parse_args(argv)
    if arguments.initiatives < 10:
        parser.error("--initiatives must be at least 10")

    from benchmarks.run import _database_version, _setup_django, throwaway_database

    _setup_django()
    from django.test.utils import override_settings

    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="smartplace-bench-overlaps-") as tmp:
        progress("Creating and migrating a throwaway database…")
        with throwaway_database(Path(tmp)) as database, override_settings(DEBUG=False):
            result = run_overlaps_recompute(initiatives=arguments.initiatives,
                                            seed=arguments.seed, progress=progress)
            result["database"] = {"description": database, "version": _database_version()}
    result["run_seconds"] = round(time.perf_counter() - started, 1)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Overlaps recompute benchmark, {result['database']['version']}, "
          f"{result['run_seconds']} s in all")
    print(report(result))
    print(f"Written to {arguments.output}")
    return 1 if arguments.check and not result["target_met"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
