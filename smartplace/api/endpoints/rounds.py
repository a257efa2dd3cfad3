"""
Fitness assessment rounds: a coalition's rounds, one round with its published results, and
the caller's own ratings (read and submit).

Reads go through the same publication gate as the web's pages and twins
(`rounds.selectors.round_publication`): figures only once a round has closed, never an
individual rating, a reason only when its author shared it, no number of raters under the
round's minimum while it is open. Writes need a token, the web's permission
(`rounds.rate_round`) and an open round, go through `rounds.services.rating_submit` (which
keeps the history) and are atomic.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from smartplace.api.auth import TokenAuth, api_user
from smartplace.api.endpoints.coalitions import coalition_or_404
from smartplace.api.endpoints.round_schemas import (
    MyRatingsOut,
    RatingsIn,
    RoundDetailOut,
    RoundPage,
)
from smartplace.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import Domain
from smartplace.people.models import Person
from smartplace.rounds import services
from smartplace.rounds.models import Round
from smartplace.rounds.rules import eligible_domain_ids
from smartplace.rounds.selectors import (
    RoundPublication,
    item_key,
    rateable_domains,
    rating_list_for_person,
    round_domains,
    round_follow_up_change,
    round_get,
    round_levels,
    round_list_for_coalition,
    round_public_reasons,
    round_publication,
)

router = Router(tags=["rounds"])


def round_or_404(coalition: Coalition, slug: str) -> Round:
    """The coalition's round with this slug, or a 404."""
    try:
        return round_get(coalition=coalition, slug=slug)
    except Round.DoesNotExist as error:
        raise Http404(_("This coalition has no round at this address.")) from error


def round_out(request, round_: Round, publication: RoundPublication) -> dict[str, Any]:
    """A round's public facts as RoundOut (`domains` prefetched in order)."""
    summary = publication.document["round"] if publication.document else None
    return {
        "slug": round_.slug,
        "name": round_.name,
        "description": round_.description,
        "state": round_.state(),
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "closed_at": round_.closed_at,
        "follow_up_of": round_.follow_up_of.slug if round_.follow_up_of_id else None,
        "eligibility": round_.eligibility,
        "domains": [domain.slug for domain in round_.domains.all()],
        "min_raters": round_.min_raters,
        "contested_below": round_.contested_below,
        "raters": publication.raters,
        "published_items": summary["published_items"] if summary else None,
        "contested_items": summary["contested_items"] if summary else None,
        "alpha_ordinal": summary["alpha"]["value"] if summary else None,
        "url": request.build_absolute_uri(round_.get_absolute_url()),
    }


def _domains_in_order() -> Prefetch:
    return Prefetch("domains", queryset=Domain.objects.order_by("position", "name"))


def results_out(round_: Round, document: dict[str, Any]) -> dict[str, Any]:
    """A published consolidation document (with shared reasons and, for a follow-up, the
    change in consensus) as RoundResults."""
    reasons = round_public_reasons(round_=round_)
    changes, change_summary = round_follow_up_change(round_=round_, document=document)
    perception = document.get("perception")
    return {
        "computed_at": round_.result_computed_at,
        "method": document["method"],
        "summary": document["round"],
        "subdomains": [{
            **entry,
            "subdomain": entry["item"],
            "sectors": entry.get("sectors", []),
            "active_initiatives": entry.get("active_initiatives", 0),
            "perception_flag": entry.get("perception_flag"),
            "public_reasons": reasons.get(entry["item"], []),
        } for entry in document["items"]],
        "domains": document["domains"],
        "perception_thresholds": perception["thresholds"] if perception else None,
        "consensus_change": {
            "follow_up_of": round_.follow_up_of.slug,
            "summary": change_summary,
            "items": [{"subdomain": c.item, "name": c.name, "consensus_before": c.before,
                       "consensus_after": c.after, "change": c.change,
                       "median_before": c.median_before, "median_after": c.median_after}
                      for c in changes],
        } if changes else None,
    }


def my_ratings_out(round_: Round, user) -> dict[str, Any]:
    """The user's own ratings in the round, in the framework's order, as MyRatingsOut."""
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    names = [level.name for level in round_levels(round_=round_)]
    own = rating_list_for_person(round_=round_, person=person) if person else {}
    ratings = []
    for domain in round_domains(round_=round_):
        for sub in domain.subdomain_list:
            rating = own.get(sub.pk)
            if rating is None:
                continue
            ratings.append({
                "subdomain": item_key(domain, sub),
                "level": rating.level,
                "level_name": (names[rating.level - 1]
                               if rating.level and rating.level <= len(names) else None),
                "confidence": rating.confidence or None,
                "reason": rating.reason,
                "evidence_links": list(rating.evidence_links or []),
                "share_reason_publicly": rating.share_reason_publicly,
                "updated_at": rating.updated_at,
            })
    rateable = [item_key(domain, sub) for domain in rateable_domains(round_=round_,
                                                                       person=person)
                for sub in domain.subdomain_list]
    return {"round": round_.slug, "state": round_.state(),
            "can_rate": round_.is_open() and bool(rateable), "rateable": rateable,
            "ratings": ratings}


@router.get("/coalitions/{slug}/rounds", response={200: RoundPage, **READ_ERRORS},
            operation_id="round_list", summary="List a coalition's fitness rounds")
def round_list(request, slug: str = slug_path("The coalition's slug"),
               cursor: str | None = cursor_query(), limit: int = limit_query()):
    """
    The coalition's fitness assessment rounds, newest first (by opening time), with the
    public facts of the web's `/coalitions/<slug>/rounds.json`. The web list has no filters,
    so neither has this.
    """
    api_user(request)
    check_query(request, (), paged=True)
    coalition = coalition_or_404(slug)
    rounds = round_list_for_coalition(coalition=coalition).prefetch_related(_domains_in_order())
    rows, nxt = cursor_paginate(request, rounds, keys=("-opens_at", "-pk"), limit=limit,
                                cursor=cursor)
    return {"items": [round_out(request, r, round_publication(round_=r,
                                                              rater_count=r.rater_count))
                      for r in rows],
            "next": nxt}


@router.get("/coalitions/{slug}/rounds/{round}", response={200: RoundDetailOut, **READ_ERRORS},
            operation_id="round_get", summary="Get a fitness round and its results")
def round_detail(request, slug: str = slug_path("The coalition's slug"),
                 round: str = slug_path("The round's slug")):  # noqa: A002 - the URL's name
    """
    One round: its facts and, once it has closed, its published results (`results`, null
    until then — for everyone, coordinators included). Sub-domains and sector breakdowns
    with fewer raters than the round's minimum have `published: false` and no figures.
    """
    api_user(request)
    check_query(request, ())
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    publication = round_publication(round_=round_)
    document = publication.document
    return {**round_out(request, round_, publication),
            "results": results_out(round_, document) if document else None}


@router.get("/coalitions/{slug}/rounds/{round}/ratings/mine", auth=TokenAuth(),
            response={200: MyRatingsOut, **READ_ERRORS}, operation_id="rating_list_mine",
            summary="Get your own ratings in a round")
def rating_list_mine(request, slug: str = slug_path("The coalition's slug"),
                     round: str = slug_path("The round's slug")):  # noqa: A002
    """
    The token's user's own live ratings in the round (reasons and evidence included, as
    they wrote them), the sub-domains they may rate and whether they can rate now. Someone
    who has not rated gets an empty list. 401 without a token.
    """
    check_query(request, ())
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    return my_ratings_out(round_, request.auth)


def _error(errors: list, field: str, message: str, code: str) -> None:
    errors.append({"location": "body", "field": field, "message": message, "code": code})


def _answers(round_: Round, person: Person | None, payload: RatingsIn) -> list[services.Answer]:
    """
    The body as the rating service's answers. Raises ApiError 422 naming each field that is
    not valid (`ratings.2.level`), then 403 naming each sub-domain the person may not rate.
    """
    levels = len(round_levels(round_=round_))
    subdomains = {item_key(domain, sub): sub
                  for domain in round_domains(round_=round_) for sub in domain.subdomain_list}
    allowed = eligible_domain_ids(person=person, round_=round_)
    validate = URLValidator(schemes=["http", "https"])
    errors: list[dict] = []
    forbidden: list[dict] = []
    seen: set[str] = set()
    answers = []
    for index, rating in enumerate(payload.ratings):
        path = f"ratings.{index}"
        texts = {"subdomain": rating.subdomain, "reason": rating.reason,
                 **{f"evidence_links.{n}": link for n, link in enumerate(rating.evidence_links)}}
        nul = [name for name, text in texts.items() if "\x00" in text]
        for name in nul:
            _error(errors, f"{path}.{name}", _("Text cannot contain NUL characters"), "nul")
        if nul:
            continue
        sub = subdomains.get(rating.subdomain)
        if sub is None:
            _error(errors, f"{path}.subdomain",
                   _("This round has no sub-domain “%(name)s” (write “domain/sub-domain”)")
                   % {"name": rating.subdomain}, "unknown")
        elif rating.subdomain in seen:
            _error(errors, f"{path}.subdomain", _("This sub-domain is already in the list"),
                   "duplicate")
        elif sub.domain_id not in allowed:
            _error(forbidden, f"{path}.subdomain",
                   _("You cannot rate “%(name)s” in this round: only active members who know "
                     "its domain may") % {"name": rating.subdomain}, "not_eligible")
        seen.add(rating.subdomain)
        if rating.level is not None and rating.level > levels:
            _error(errors, f"{path}.level", _("The level must be from 1 to %(levels)s, or null "
                                              "for “I don’t know”") % {"levels": levels},
                   "out_of_scale")
        if rating.level is not None and rating.confidence is None:
            _error(errors, f"{path}.confidence",
                   _("Give a confidence (low, medium or high) with a level"), "required")
        links = set()
        for number, link in enumerate(rating.evidence_links):
            try:
                validate(link)
            except DjangoValidationError:
                _error(errors, f"{path}.evidence_links.{number}",
                       _("Enter a web address in the correct format, like "
                         "https://www.ambridge.example/report"), "invalid_url")
            if link in links:
                _error(errors, f"{path}.evidence_links.{number}",
                       _("This address is already in the list"), "duplicate")
            links.add(link)
        if sub is not None:
            answers.append(services.Answer(
                subdomain_id=sub.pk, level=rating.level, confidence=rating.confidence or "",
                reason=rating.reason, evidence_links=tuple(rating.evidence_links),
                share_reason_publicly=rating.share_reason_publicly))
    if errors:
        raise ApiError(422, _("The ratings are not valid: nothing was saved."), errors)
    if forbidden:
        raise ApiError(403, _("You may not rate some of these sub-domains: nothing was "
                              "saved."), forbidden)
    return answers


def _not_open(round_: Round, message: str | None = None) -> ApiError:
    state = round_.state()
    code = "round_not_open_yet" if state == Round.State.SCHEDULED else "round_closed"
    message = message or (_("This round is not open yet: ratings are taken from when it opens.")
                          if state == Round.State.SCHEDULED
                          else _("This round has closed: its ratings cannot change."))
    return ApiError(409, message, [{"location": "path", "field": "round", "message": message,
                                    "code": code}])


@router.put("/coalitions/{slug}/rounds/{round}/ratings", auth=TokenAuth(),
            response={200: MyRatingsOut, **WRITE_ERRORS, 409: ErrorOut},
            operation_id="rating_submit", summary="Submit or change your ratings in a round")
def rating_submit(request, payload: RatingsIn, slug: str = slug_path("The coalition's slug"),
                  round: str = slug_path("The round's slug")):  # noqa: A002
    """
    Rate sub-domains of an open round, or change your ratings: each sub-domain listed gets
    the level, confidence, reason, evidence and consent sent (a whole rating, replaced);
    sub-domains not listed keep theirs. Every change is kept in the rating's history. All or
    nothing: 403 when you may not rate this round (you must be an active member who knows the
    domain, or any active member in a round open to all), or a listed sub-domain; 409 when
    the round is closed or not open yet; 422 naming each field that is not valid. The answer
    is your ratings in the round after the change.
    """
    check_query(request, ())
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    user = request.auth
    if not user.has_perm("rounds.rate_round", round_):
        message = _("Only active members of this coalition who know a domain of this round "
                    "can rate it.")
        raise ApiError(403, message, [{"location": "request", "field": None,
                                       "message": message, "code": "not_eligible"}])
    if not round_.is_open():
        raise _not_open(round_)
    person = Person.objects.filter(user=user).first()
    answers = _answers(round_, person, payload)
    try:
        services.rating_submit(round_=round_, person=person, answers=answers)
    except services.RoundClosedError as error:
        round_.refresh_from_db()
        raise _not_open(round_, " ".join(error.messages)) from error
    except DjangoValidationError as error:
        raise ApiError(422, _("The ratings are not valid: nothing was saved."), [
            {"location": "body", "field": "ratings", "message": message, "code": "invalid"}
            for message in error.messages]) from error
    return my_ratings_out(round_, user)
