"""
The composite index of a cycle's participants: the tree of indicators (questions → sections →
index), each organisation's indicator values, the index itself
(`smartplace.methods.benchmarking.composite_index`), its rule in words and its rows as the page
lists them. docs/assessments.md has the rule.
"""

from __future__ import annotations

from fractions import Fraction

from smartplace.assessments.models import Cycle, Participant
from smartplace.assessments.selectors import cycle_instrument
from smartplace.instruments.files import format_exact
from smartplace.methods import scoring as m
from smartplace.methods.benchmarking import CompositeIndex, IndexNode, composite_index

#: Composite index: a section needs at least this share of its question indicators, and the
#: index at least this share of its sections (Giffinger et al.'s averaging with coverage).
INDEX_MIN_COVERAGE = Fraction(1, 2)
#: Composite index: an organisation with values for less than this share of all the question
#: indicators is left out before standardising (Giffinger et al. kept cities above 75%).
INDEX_MIN_UNIT_COVERAGE = Fraction(3, 4)


def index_tree(*, method: m.Instrument) -> IndexNode:
    """
    The composite index's tree: the index → one node per section (`s:<code>`) → one indicator
    per scored question with a maximum above 0 (`q:<code>`). Sections without such questions are
    left out.
    """
    sections = []
    for section in method.sections:
        indicators = tuple(IndexNode(code=f"q:{q.code}", title=q.text)
                           for q in section.questions if q.scored and q.maximum > 0)
        if indicators:
            sections.append(IndexNode(code=f"s:{section.code}", title=section.title,
                                      children=indicators))
    return IndexNode(code="index", title=method.title, children=tuple(sections))


def index_values(*, score: m.OrganisationScore) -> dict[str, Fraction | None]:
    """One organisation's indicator values: each counted question's share of its maximum; a
    question that does not apply or is answered "not applicable" is missing (None)."""
    return {f"q:{q.code}": (q.points / q.maximum if q.status.counts and q.maximum > 0 else None)
            for q in score.questions if q.status is not m.QuestionStatus.UNSCORED}


def cycle_composite_index(*, cycle: Cycle, scores: dict[Participant, m.OrganisationScore]
                          ) -> CompositeIndex[Participant]:
    """The composite index of the participants in `scores` (docs/assessments.md has the rule)."""
    tree = index_tree(method=cycle_instrument(cycle=cycle).method)
    known = {node.code for node in tree.indicators}
    values = {p: {code: v for code, v in index_values(score=s).items() if code in known}
              for p, s in scores.items()}
    return composite_index(tree=tree, values=values, min_coverage=INDEX_MIN_COVERAGE,
                           min_unit_coverage=INDEX_MIN_UNIT_COVERAGE)


def composite_index_rule() -> dict[str, str]:
    """The composite index's method in the words its JSON twin and the API give it."""
    return {"indicators": "each scored question's share of its maximum",
            "standardised": "z-score, population standard deviation",
            "aggregation": "unweighted mean: questions → sections → index",
            "min_coverage": format_exact(INDEX_MIN_COVERAGE),
            "min_unit_coverage": format_exact(INDEX_MIN_UNIT_COVERAGE)}


def composite_index_rows(*, index: CompositeIndex[Participant]) -> list[dict]:
    """
    The index's rows as its page lists them: ranked organisations by rank (then name), then
    those without a rank by name. Each row: `participant`, `rank`, `value` (the index),
    `coverage` (share of sections with a value) and `sections` ((title, value) pairs).
    """
    return sorted(
        ({"participant": p, "rank": index.ranks.get(p), "value": index.index.get(p),
          "coverage": index.coverage["index"].get(p),
          "sections": [(node.title, index.values[node.code].get(p))
                       for node in index.tree.children]} for p in index.units),
        key=lambda r: (r["rank"] is None, r["rank"] or 0, r["participant"].organisation.name))
