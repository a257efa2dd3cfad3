"""
`python -m benchmarks`: run the benchmarks (run.py, scoring.py, consolidation.py, export.py,
overlaps.py, overlaps_recompute.py).
"""

from benchmarks.consolidation import main as consolidation_main
from benchmarks.export import main as export_main
from benchmarks.overlaps import main as overlaps_main
from benchmarks.overlaps_recompute import main as overlaps_recompute_main
from benchmarks.run import main
from benchmarks.scoring import main as scoring_main

raise SystemExit(max(main(), scoring_main([]), consolidation_main([]), export_main([]),
                     overlaps_main([]), overlaps_recompute_main([])))
