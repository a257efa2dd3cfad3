"""Response schemas of the assessment cycle endpoints (`assessments.py`)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from smartplace.api.schemas import Licence


class InstrumentRef(Schema):
    slug: str
    version: str
    name: str
    api_url: str


class CycleOut(Schema):
    """A published cycle. `previous` is the slug of the cycle change is measured from, when
    that cycle is public too; `organisations` counts those whose results are published."""

    slug: str
    name: str
    description: str
    instrument: InstrumentRef
    policy: str = Field(..., description="named or anonymised (docs/assessments.md)")
    group_basis: str
    organisations: int
    opens_on: date | None
    closes_on: date | None
    published_at: datetime | None
    previous: str | None
    is_demo: bool
    url: str
    api_url: str


class CyclePage(Schema):
    items: list[CycleOut]
    next: str | None


class PeerGroupOut(Schema):
    label: str
    slug: str
    organisations: int


class CountOut(Schema):
    label: str
    organisations: int


class CohortOut(Schema):
    """Statistics of published weighted totals (percent, as decimal strings). `group` is the
    peer group's slug, null for all organisations. With fewer than 5 organisations only the
    count is given (`suppressed`)."""

    label: str
    group: str | None
    organisations: int
    suppressed: bool
    minimum: str | None
    lower_quartile: str | None
    median: str | None
    upper_quartile: str | None
    maximum: str | None
    bands: list[CountOut]
    levels: list[CountOut]


class CycleDetail(CycleOut):
    licence: Licence
    peer_groups: list[PeerGroupOut]
    cohorts: list[CohortOut]


class LevelRef(Schema):
    number: int
    name: str


class SectionFigures(Schema):
    """One section: points (floored at 0) and maximum, question weights applied, exact;
    `fraction` their ratio (exact, null when the maximum is 0); `percent` the published
    percentage; `weight` the section's weight for the organisation's group."""

    code: str
    title: str
    points: str
    maximum: str
    fraction: str | None
    percent: str | None
    weight: str
    level: LevelRef | None


class ChangeOut(Schema):
    """Change since the previous cycle over the questions both cycles count, in percentage
    points as published; `not_compared` lists the questions new or changed since."""

    previous_cycle: str
    points: str | None
    previous_percent: str | None
    current_percent: str | None
    compared: int
    not_compared: list[str]


class ScoreOut(Schema):
    organisation: str
    name: str
    group: str | None
    peer_group: str | None
    weighted_percent: str | None
    raw_percent: str | None
    level: LevelRef | None
    sections: list[SectionFigures]
    change: ChangeOut | None
    url: str
    api_url: str


class ScorePage(Schema):
    items: list[ScoreOut]
    next: str | None


class PublishedAnswer(Schema):
    """A published answer: `value` in the answers-file grammar (option codes joined by ";",
    numbers exact; blank when "not applicable"), `points` and `maximum` as scored, question
    weight applied (null when the question does not count: text, "not applicable", or not
    applying to the organisation's group)."""

    question: str
    value: str
    not_applicable: bool
    evidence_url: str
    evidence_page: str
    evidence_quote: str
    points: str | None
    maximum: str | None


class ScorecardOut(ScoreOut):
    rank_in_peer_group: int | None
    peer_group_size: int | None
    percentile_in_peer_group: str | None
    answers: list[PublishedAnswer]


class LeagueEntryOut(Schema):
    """Tie-aware competition rank of the published weighted total in the peer group; the
    percentile ranks it (share lower, ties counted half), to one decimal place."""

    rank: int | None
    group_size: int
    organisation: str
    name: str
    weighted_percent: str | None
    percentile: str | None
    level: LevelRef | None
    change_points: str | None
    url: str
    api_url: str


class LeagueGroupOut(Schema):
    label: str
    slug: str
    entries: list[LeagueEntryOut]


class LeagueOut(Schema):
    cycle: str
    group_basis: str
    groups: list[LeagueGroupOut]


class IndexRule(Schema):
    indicators: str
    standardised: str
    aggregation: str
    min_coverage: str
    min_unit_coverage: str


class IndexEntryOut(Schema):
    """`index` in standard deviations from the cycle's average, to three decimal places (null:
    too little data); `coverage` the exact share of sections with a value."""

    rank: int | None
    organisation: str
    name: str
    index: str | None
    coverage: str


class IndexExcludedOut(Schema):
    organisation: str
    coverage: str


class IndexOut(Schema):
    cycle: str
    rule: IndexRule
    entries: list[IndexEntryOut]
    excluded: list[IndexExcludedOut]
