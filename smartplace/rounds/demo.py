"""
The demo coalition's fitness rounds, from the data files in `smartplace/rounds/demo_data/`:
about thirty raters across sectors; a closed first round with varied, sometimes contested
ratings (drawn with a fixed seed from each sub-domain's profile in `rounds.json`); its closed
follow-up (Delphi) round, in which most of the same raters saw the first round's figures and
some moved towards them; and an open third round, a follow-up of the second, with a few
ratings. `rounds_load_demo()` is idempotent: it replaces the three demo rounds and keeps
everything else. docs/rounds.md describes the data.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from smartplace.coalitions.models import Coalition
from smartplace.organisations.models import Organisation
from smartplace.people.models import Membership, Person
from smartplace.rounds.models import Confidence, Rating, RatingHistory, Round
from smartplace.rounds.selectors import item_key, round_domains
from smartplace.rounds.services import Answer, rating_submit, round_result_snapshot

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEFAULT_PROFILE = (1, 2, 2, 1)


class RoundsDemoError(Exception):
    """A demo data file is wrong, or the coalition cannot take the demo rounds."""


@dataclass(frozen=True)
class RoundsDemoSummary:
    """
    What `rounds_load_demo` left: the three rounds and how many people rated in each.
    `closed_round` is the first round, `second_round` its closed follow-up (the latest closed
    round) and `open_round` the open follow-up of the second.
    """

    closed_round: Round
    open_round: Round
    raters_closed: int
    ratings_closed: int
    raters_open: int
    second_round: Round | None = None
    raters_second: int = 0
    ratings_second: int = 0

    def lines(self) -> list[str]:
        lines = [f"Closed round “{self.closed_round.name}”: {self.raters_closed} raters, "
                 f"{self.ratings_closed} ratings"]
        if self.second_round is not None:
            lines.append(f"Closed round “{self.second_round.name}”: {self.raters_second} "
                         f"raters, {self.ratings_second} ratings")
        lines.append(f"Open round “{self.open_round.name}”: {self.raters_open} raters so far")
        return lines


def _read(name: str, expected: str) -> dict[str, Any]:
    path = DATA_DIR / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RoundsDemoError(f"{path}: cannot be read: {error}") from error
    if data.get("format") != expected:
        raise RoundsDemoError(f"{path}: “format” must be “{expected}”.")
    return data


def _raters(coalition: Coalition, data: dict) -> None:
    """Create or refresh the extra demo raters and their active memberships."""
    User = get_user_model()
    organisations = {o.slug: o for o in Organisation.objects.filter(
        slug__in=[entry.get("organisation", "") for entry in data["raters"]])}
    domains = {d.slug: d for d in coalition.framework.domains.all()}
    for number, entry in enumerate(data["raters"], start=1):
        where = f"{DATA_DIR / 'raters.json'}, rater {number}"
        try:
            email, name = entry["email"].strip().lower(), entry["name"]
        except KeyError as error:
            raise RoundsDemoError(f"{where}: “{error.args[0]}” is missing.") from error
        unknown = [slug for slug in entry.get("domains", []) if slug not in domains]
        if unknown:
            raise RoundsDemoError(f"{where}: the framework has no domain “{unknown[0]}”.")
        user = User.objects.filter(username=email).first() or User(username=email, email=email)
        if not user.pk:
            user.set_unusable_password()
            user.save()
        person = Person.objects.filter(user=user).first() or Person(user=user)
        person.name, person.job_title = name, entry.get("job_title", "")
        person.public_profile = bool(entry.get("public_profile"))
        person.save()
        person.domains.set([domains[slug] for slug in entry.get("domains", [])])
        membership = (Membership.objects.filter(person=person, coalition=coalition,
                                                status__in=["requested", "active"]).first()
                      or Membership(person=person, coalition=coalition))
        membership.status = Membership.Status.ACTIVE
        membership.organisation = organisations.get(entry.get("organisation", ""))
        membership.joined_on = membership.joined_on or datetime.date(2018, 1, 8)
        membership.save()


def _eligible_raters(coalition: Coalition, round_: Round) -> list[tuple[Person, set[int], str]]:
    """Active members with the in-scope domains they know and their sector, by name."""
    in_scope = set(round_.domains.values_list("pk", flat=True))
    memberships = (Membership.objects.filter(coalition=coalition,
                                             status=Membership.Status.ACTIVE)
                   .select_related("person", "organisation").order_by("person__name", "pk"))
    known: dict[int, set[int]] = {}
    for person_id, domain_id in Person.domains.through.objects.filter(
            person__in=[m.person_id for m in memberships]).values_list("person_id",
                                                                        "domain_id"):
        known.setdefault(person_id, set()).add(domain_id)
    raters = []
    for membership in memberships:
        domains = known.get(membership.person_id, set()) & in_scope
        if domains:
            sector = membership.organisation.sector if membership.organisation else ""
            raters.append((membership.person, domains, sector))
    return raters


def _profile(entry) -> tuple[list[int], float | None]:
    """A profile's weights and its own "don't know" share (None: the file's default)."""
    if isinstance(entry, dict):
        return list(entry["weights"]), entry.get("dont_know")
    return list(entry), None


def _level(rng: random.Random, profile, dont_know: float) -> int | None:
    weights, own = _profile(profile)
    if rng.random() < (own if own is not None else dont_know):
        return None
    return rng.choices(range(1, len(weights) + 1), weights=weights)[0]


def _confidence(rng: random.Random, level: int | None) -> str:
    if level is None:
        return ""
    return rng.choices(Confidence.values, weights=(2, 5, 3))[0]


def _round(coalition: Coalition, spec: dict, *, opens_at=None, closes_at=None,
           follow_up_of: Round | None = None) -> Round:
    """A demo round from its entry in rounds.json (fixed dates unless given)."""
    opens_at = opens_at or datetime.datetime.fromisoformat(spec["opens_at"])
    closes_at = closes_at or datetime.datetime.fromisoformat(spec["closes_at"])
    round_ = Round.objects.create(
        coalition=coalition, framework=coalition.framework, slug=spec["slug"],
        name=spec["name"], description=spec.get("description", ""), opens_at=opens_at,
        closes_at=closes_at, min_raters=spec.get("min_raters", 3), follow_up_of=follow_up_of)
    round_.domains.set(coalition.framework.domains.all())
    return round_


def _closed_round_ratings(coalition: Coalition, round_: Round, data: dict,
                          rng: random.Random) -> tuple[int, int]:
    """Write the closed round's ratings and their history directly (the round is closed, so
    the rating service would rightly refuse them)."""
    profiles = data["profiles"]
    reasons = {key: list(entries) for key, entries in data.get("reasons", {}).items()}
    domains = round_domains(round_=round_)
    keys = {sub.pk: item_key(domain, sub) for domain in domains for sub in domain.subdomain_list}
    unknown = sorted(set(profiles) - set(keys.values()))
    if unknown:
        raise RoundsDemoError(f"{DATA_DIR / 'rounds.json'}: “{unknown[0]}” is not a "
                              "sub-domain of the coalition's framework.")
    take_part = data["closed_round"].get("take_part", 1.0)
    span = (round_.closes_at - round_.opens_at).total_seconds()
    ratings, changes, raters = [], [], 0
    for person, domain_ids, sector in _eligible_raters(coalition, round_):
        if rng.random() > take_part:
            continue
        raters += 1
        when = round_.opens_at + datetime.timedelta(seconds=rng.uniform(0.05, 0.8) * span)
        for domain in domains:
            if domain.pk not in domain_ids:
                continue
            for sub in domain.subdomain_list:
                key = keys[sub.pk]
                level = _level(rng, profiles.get(key, DEFAULT_PROFILE), data["dont_know"])
                rating = Rating(round=round_, person=person, subdomain=sub, level=level,
                                confidence=_confidence(rng, level), sector=sector)
                if level is not None and reasons.get(key) and rng.random() < 0.5:
                    reason = reasons[key].pop(0)
                    rating.reason = reason["text"]
                    rating.share_reason_publicly = bool(reason.get("share"))
                ratings.append((rating, when))
                if level is not None and rng.random() < 0.08:  # changed their mind once
                    changes.append((rating, max(1, level - 1) if level > 1 else level + 1))
    Rating.objects.bulk_create([rating for rating, _when in ratings])
    history = []
    earlier = {id(rating): first for rating, first in changes}
    for rating, when in ratings:
        if id(rating) in earlier:
            history.append(RatingHistory(rating=rating, change=RatingHistory.Change.CREATED,
                                         level=earlier[id(rating)],
                                         confidence=rating.confidence, recorded_at=when))
            history.append(RatingHistory(
                rating=rating, change=RatingHistory.Change.CHANGED, level=rating.level,
                confidence=rating.confidence, reason=rating.reason,
                share_reason_publicly=rating.share_reason_publicly,
                recorded_at=when + datetime.timedelta(days=3)))
        else:
            history.append(RatingHistory(
                rating=rating, change=RatingHistory.Change.CREATED, level=rating.level,
                confidence=rating.confidence, reason=rating.reason,
                share_reason_publicly=rating.share_reason_publicly, recorded_at=when))
    RatingHistory.objects.bulk_create(history)
    return raters, len(ratings)


def _second_round_ratings(round_: Round, first: Round, data: dict,
                          rng: random.Random) -> tuple[int, int]:
    """
    The closed follow-up (Delphi) round: most of the first round's raters rate again having
    seen its published figures. Each keeps their earlier answer or moves one level towards the
    first round's median (`towards_median`); some who did not know now give the median
    (`decide`); and in the sub-domains of `shifts`, a share of raters move by the given
    number of levels, as news between the rounds changed their view. Written directly, with
    history, as for the first round.
    """
    spec = data["second_round"]
    document = first.result["document"]
    medians = {entry["item"]: entry["statistics"]["median"] for entry in document["items"]
               if entry.get("published") and entry.get("statistics")}
    top = len(document["method"]["level_names"])
    domains = round_domains(round_=round_)
    keys = {sub.pk: item_key(domain, sub) for domain in domains for sub in domain.subdomain_list}
    shifts = spec.get("shifts", {})
    unknown = sorted(set(shifts) - set(keys.values()))
    if unknown:
        raise RoundsDemoError(f"{DATA_DIR / 'rounds.json'}: “{unknown[0]}” is not a "
                              "sub-domain of the coalition's framework.")
    reasons = {key: list(entries) for key, entries in spec.get("reasons", {}).items()}
    span = (round_.closes_at - round_.opens_at).total_seconds()
    earlier: dict[int, list[Rating]] = {}
    for rating in (Rating.objects.filter(round=first, subdomain_id__in=list(keys))
                   .select_related("person").order_by("person__name", "person_id",
                                                      "subdomain_id")):
        earlier.setdefault(rating.person_id, []).append(rating)
    ratings, raters = [], 0
    for previous in earlier.values():
        if rng.random() > spec.get("take_part", 1.0):
            continue
        raters += 1
        when = round_.opens_at + datetime.timedelta(seconds=rng.uniform(0.05, 0.8) * span)
        for old in previous:
            key = keys[old.subdomain_id]
            median = medians.get(key)
            level = old.level
            if level is None:
                if median is not None and rng.random() < spec.get("decide", 0.0):
                    level = median
            elif key in shifts and rng.random() < shifts[key]["share"]:
                level = min(top, max(1, level + shifts[key]["by"]))
            elif (median is not None and level != median
                  and rng.random() < spec.get("towards_median", 0.0)):
                level += 1 if median > level else -1
            rating = Rating(round=round_, person=old.person, subdomain_id=old.subdomain_id,
                            level=level, sector=old.sector,
                            confidence=(old.confidence if level == old.level
                                        else _confidence(rng, level)))
            if level is not None and level != old.level and reasons.get(key):
                reason = reasons[key].pop(0)
                rating.reason = reason["text"]
                rating.share_reason_publicly = bool(reason.get("share"))
            ratings.append((rating, when))
    Rating.objects.bulk_create([rating for rating, _when in ratings])
    RatingHistory.objects.bulk_create([RatingHistory(
        rating=rating, change=RatingHistory.Change.CREATED, level=rating.level,
        confidence=rating.confidence, reason=rating.reason,
        share_reason_publicly=rating.share_reason_publicly, recorded_at=when)
        for rating, when in ratings])
    return raters, len(ratings)


def _open_round_ratings(coalition: Coalition, round_: Round, data: dict,
                        rng: random.Random) -> int:
    """A few members rate in the open round, through the rating service."""
    profiles = data["profiles"]
    domains = round_domains(round_=round_)
    raters = _eligible_raters(coalition, round_)
    chosen = rng.sample(raters, k=min(len(raters), data["open_round"].get("raters", 6)))
    for person, domain_ids, _sector in chosen:
        answers = []
        for domain in domains:
            if domain.pk not in domain_ids:
                continue
            for sub in domain.subdomain_list:
                weights, _own = _profile(profiles.get(item_key(domain, sub), DEFAULT_PROFILE))
                # After seeing the first round, views move a little towards the middle.
                middle = [weight + (2 if 1 < index < len(weights) else 0)
                          for index, weight in enumerate(weights, start=1)]
                level = _level(rng, middle, data["dont_know"] / 2)
                answers.append(Answer(subdomain_id=sub.pk, level=level,
                                      confidence=_confidence(rng, level)))
        rating_submit(round_=round_, person=person, answers=answers)
    return len(chosen)


def rounds_load_demo(*, coalition: Coalition, now: datetime.datetime | None = None
                     ) -> RoundsDemoSummary:
    """
    Give the demo coalition its raters and three rounds: a closed first round and its closed
    follow-up (results stored), and an open follow-up of the second. Deterministic (seeded);
    running it again replaces the three demo rounds (matched by slug) and leaves the rest
    alone. Raises RoundsDemoError for a coalition that is not demo data or has no framework,
    or a bad data file.
    """
    if not coalition.is_demo:
        raise RoundsDemoError(f"“{coalition}” is not demo data; the demo rounds go only into "
                              "the demo coalition.")
    if coalition.framework_id is None:
        raise RoundsDemoError(f"“{coalition}” has no framework.")
    raters_data = _read("raters.json", "smartplace-demo-raters/1")
    data = _read("rounds.json", "smartplace-demo-rounds/1")
    now = now or timezone.now()
    rng = random.Random(data.get("seed", 2018))
    closed_spec, second_spec, open_spec = (data["closed_round"], data["second_round"],
                                           data["open_round"])
    slugs = [closed_spec["slug"], second_spec["slug"], open_spec["slug"]]
    if len(set(slugs)) != len(slugs):
        raise RoundsDemoError(f"{DATA_DIR / 'rounds.json'}: the rounds need different slugs.")
    with transaction.atomic():
        # The follow-ups first: a round that others follow up cannot be deleted before them.
        for slug in reversed(slugs):
            Round.objects.filter(coalition=coalition, slug=slug).delete()
        _raters(coalition, raters_data)
        closed = _round(coalition, closed_spec)
        raters_closed, ratings_closed = _closed_round_ratings(coalition, closed, data, rng)
        round_result_snapshot(round_=closed)
        second = _round(coalition, second_spec, follow_up_of=closed)
        raters_second, ratings_second = _second_round_ratings(second, closed, data, rng)
        round_result_snapshot(round_=second)
        opened = _round(coalition, open_spec,
                        opens_at=now - datetime.timedelta(days=open_spec["opened_days_ago"]),
                        closes_at=now + datetime.timedelta(days=open_spec["closes_in_days"]),
                        follow_up_of=second)
        raters_open = _open_round_ratings(coalition, opened, data, rng)
    return RoundsDemoSummary(closed_round=closed, open_round=opened,
                             raters_closed=raters_closed, ratings_closed=ratings_closed,
                             raters_open=raters_open, second_round=second,
                             raters_second=raters_second, ratings_second=ratings_second)
