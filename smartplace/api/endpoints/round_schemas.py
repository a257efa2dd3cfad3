"""
Schemas of the fitness rounds endpoints (`endpoints/rounds.py`).

The results mirror the consolidation document of the web's JSON twin (`smartplace consolidate`,
docs/methods/consolidation.md): the same names and the same unrounded figures, with
sub-domains named `subdomain` ("domain/sub-domain") as in the ratings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from smartplace.api.schemas import WriteSchema
from smartplace.initiatives.forms import MAX_LINKS, URL_MAX
from smartplace.methods.perception import (
    RATED_HIGH_FEW_INITIATIVES,
    RATED_LOW_MANY_INITIATIVES,
)
from smartplace.rounds.forms import REASON_MAX

StateChoice = Literal["scheduled", "open", "closed"]
EligibilityChoice = Literal["knows_domain", "all_members"]
ConfidenceChoice = Literal["low", "medium", "high"]
FlagKind = Literal[RATED_HIGH_FEW_INITIATIVES, RATED_LOW_MANY_INITIATIVES]


class RoundOut(Schema):
    """
    A round's public facts. `state`: scheduled (not open yet), open, closed. `raters` is
    null while the round is not closed and fewer people than `min_raters` have rated;
    `published_items`, `contested_items` and `alpha_ordinal` are null until it has closed.
    `domains` are the slugs of the domains in scope.
    """

    slug: str
    name: str
    description: str
    state: StateChoice
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    follow_up_of: str | None
    eligibility: EligibilityChoice
    domains: list[str]
    min_raters: int
    contested_below: float
    raters: int | None
    published_items: int | None
    contested_items: int | None
    alpha_ordinal: float | None
    url: str


class RoundPage(Schema):
    items: list[RoundOut]
    next: str | None


class Statistics(Schema):
    """The figures of one group of ratings. `n`: levels given; `distribution`: level
    ("1"…"N") → count; every statistic null when n is 0."""

    n: int
    dont_know: int
    distribution: dict[str, int]
    mean: float | None
    median: int | None
    q1: int | None
    q3: int | None
    iqr: int | None
    modes: list[int]
    consensus: float | None


class SectorResult(Schema):
    """A sector's breakdown of a sub-domain; hidden (no figures, a `note`) below the minimum."""

    sector: str
    label: str
    published: bool
    note: str | None
    statistics: Statistics | None


class PerceptionFlag(Schema):
    kind: FlagKind
    reason: str


class PublicReason(Schema):
    """A reason its author chose to share: the text, and their name only if their profile is
    public. Never with the level it came with."""

    text: str
    name: str | None


class SubDomainResult(Schema):
    """One sub-domain. Unpublished (fewer raters than the minimum): `statistics`,
    `contested` null, `sectors` empty and a `note` saying why."""

    subdomain: str
    name: str
    domain: str
    published: bool
    note: str | None
    statistics: Statistics | None
    contested: bool | None
    sectors: list[SectorResult]
    active_initiatives: int
    perception_flag: PerceptionFlag | None
    public_reasons: list[PublicReason]


class DomainResult(Schema):
    """One domain: the pooled figures of its published sub-domains."""

    domain: str
    name: str
    items: int
    published_items: int
    contested_items: list[str]
    raters: int
    median_of_item_medians: int | None
    pooled: Statistics | None


class Alpha(Schema):
    """Krippendorff's alpha (ordinal); `value` null when undefined, `note` says why."""

    level_of_measurement: str
    value: float | None
    units: int
    raters: int
    pairable_values: int
    note: str | None


class ResultSummary(Schema):
    answers: int
    raters: int
    dont_know: int
    items: int
    published_items: int
    contested_items: int
    sectors: list[str]
    alpha: Alpha


class Method(Schema):
    """The rules the figures follow, each explained in a sentence."""

    levels: int
    level_names: list[str]
    min_raters: int
    publication_rule: str
    median_rule: str
    median_rule_text: str
    quantile_method: str
    quantile_method_text: str
    consensus: str
    contested_below: float
    contested_rule: str
    domain_rule: str
    alpha: str


class PerceptionThresholds(Schema):
    high_from_level: int
    few_initiatives: int
    low_up_to_level: int
    many_initiatives: int
    rule: str


class ConsensusChangeSummary(Schema):
    items_compared: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    rose: int
    fell: int
    unchanged: int


class ConsensusChangeItem(Schema):
    subdomain: str
    name: str
    consensus_before: float | None
    consensus_after: float | None
    change: float | None
    median_before: int | None
    median_after: int | None


class ConsensusChange(Schema):
    """A follow-up (Delphi) round: consensus per sub-domain before (in `follow_up_of`) and
    after."""

    follow_up_of: str
    summary: ConsensusChangeSummary
    items: list[ConsensusChangeItem]


class RoundResults(Schema):
    """A closed round's published results; they never change once computed."""

    computed_at: datetime | None
    method: Method
    summary: ResultSummary
    subdomains: list[SubDomainResult]
    domains: list[DomainResult]
    perception_thresholds: PerceptionThresholds | None
    consensus_change: ConsensusChange | None


class RoundDetailOut(RoundOut):
    """A round's facts and, once it has closed, its results (null until then)."""

    results: RoundResults | None


EvidenceLink = Annotated[str, Field(min_length=1, max_length=URL_MAX)]


class RatingIn(WriteSchema):
    """One sub-domain's rating: `level` 1…N on the round's scale, or null for "I don't
    know"; `confidence` is needed with a level."""

    subdomain: str = Field(..., min_length=1, max_length=250,
                           description='"domain/sub-domain" slugs of the round\'s framework.')
    level: Annotated[StrictInt, Field(ge=1)] | None = Field(
        ..., description="Position on the scale, 1 = lowest; null for “I don’t know”.")
    confidence: ConfidenceChoice | None = None
    reason: str = Field("", max_length=REASON_MAX)
    evidence_links: list[EvidenceLink] = Field([], max_length=MAX_LINKS,
                                               description="http or https addresses.")
    share_reason_publicly: StrictBool = False


class RatingsIn(WriteSchema):
    ratings: list[RatingIn] = Field(..., min_length=1, max_length=500)


class RatingOut(Schema):
    subdomain: str
    level: int | None
    level_name: str | None
    confidence: ConfidenceChoice | None
    reason: str
    evidence_links: list[str]
    share_reason_publicly: bool
    updated_at: datetime


class MyRatingsOut(Schema):
    """Your own ratings in a round, the sub-domains you may rate (`rateable`) and whether
    you can rate now (`can_rate`: the round is open and you may rate something in it)."""

    round: str
    state: StateChoice
    can_rate: bool
    rateable: list[str]
    ratings: list[RatingOut]
