"""
Fitness assessment rounds: the public list, results (with `.json`/`.csv` twins, the wheel and
distribution bars), trends across rounds, the method; coordinators open and close rounds.

Public pages show a round's consolidated figures only once it has closed, never an individual
rating, and a reason only when its author agreed (without their name unless their profile is
public). The rating journey is in `rating_views.py`.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.core.formats import Dataset, csv_response, plain, respond
from smartplace.initiatives.views import coalition_context, coalition_or_404
from smartplace.people.membership_views import not_a_member
from smartplace.people.models import Person
from smartplace.rounds import services
from smartplace.rounds.charts import distribution_svg, trend_svg
from smartplace.rounds.forms import RoundForm
from smartplace.rounds.models import Round
from smartplace.rounds.selectors import (
    result_rows,
    round_follow_up_change,
    round_get,
    round_list_for_coalition,
    round_public_reasons,
    round_publication,
    round_published_result,
    round_rater_count,
    round_result_compute,
    round_trends,
)
from smartplace.rounds.wheel import wheel_domain_rows, wheel_svg

ROUND_COLUMNS = ["slug", "name", "url", "state", "opens_at", "closes_at", "closed_at",
                 "follow_up_of", "min_raters", "raters", "published_items", "contested_items",
                 "alpha_ordinal"]


def _crumbs(request: HttpRequest, coalition: Coalition, *extra: dict) -> dict:
    context = coalition_context(request, coalition)
    context["breadcrumbs"].append(
        {"text": _("Fitness rounds"), "href": reverse("rounds:round_list",
                                                      kwargs={"slug": coalition.slug})})
    context["breadcrumbs"].extend(extra)
    return context


def round_or_404(coalition: Coalition, slug: str) -> Round:
    """The coalition's round with this slug, or a 404 page."""
    try:
        return round_get(coalition=coalition, slug=slug)
    except Round.DoesNotExist as error:
        raise Http404(_("This coalition has no round at this address.")) from error


def round_metadata(round_: Round, request: HttpRequest, *, raters: int | None) -> dict:
    """A round's public facts, as the twins give them."""
    return {
        "slug": round_.slug,
        "name": round_.name,
        "url": request.build_absolute_uri(round_.get_absolute_url()),
        "state": round_.state(),
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "closed_at": round_.closed_at,
        "follow_up_of": round_.follow_up_of.slug if round_.follow_up_of_id else None,
        "min_raters": round_.min_raters,
        "raters": raters,
    }


def round_list(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    A coalition's fitness assessment rounds, newest first.

    Template: rounds/round_list.html
    Context: coalition, rounds (each with `public_raters`, `document`), can_open, breadcrumbs
    Formats: .json, .csv (one row per round)
    """
    coalition = coalition_or_404(slug)
    rounds = list(round_list_for_coalition(coalition=coalition))
    for round_ in rounds:
        publication = round_publication(round_=round_, rater_count=round_.rater_count)
        round_.document, round_.public_raters = publication.document, publication.raters
    context = {**coalition_context(request, coalition), "rounds": rounds,
               "can_open": request.user.has_perm("rounds.add_round", coalition)}
    context["breadcrumbs"].append({"text": _("Fitness rounds"), "href": request.path})

    def dataset() -> Dataset:
        rows = []
        for round_ in rounds:
            row = round_metadata(round_, request, raters=round_.public_raters)
            document = round_.document
            row.update({
                "published_items": document["round"]["published_items"] if document else None,
                "contested_items": document["round"]["contested_items"] if document else None,
                "alpha_ordinal": document["round"]["alpha"]["value"] if document else None,
            })
            rows.append(row)
        return Dataset(title=_("Fitness rounds of %(coalition)s") % {"coalition": coalition.name},
                       columns=ROUND_COLUMNS, rows=rows, licence=coalition.licence,
                       last_updated=max((r.updated_at for r in rounds), default=None))

    return respond(request, fmt, template="rounds/round_list.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-rounds")


def _result_context(round_: Round, document: dict) -> dict:
    names = document["method"]["level_names"]
    rows = list(result_rows(document))
    for row in rows:
        stats = row["statistics"]
        row["bars"] = (distribution_svg([stats["distribution"][str(level)]
                                         for level in range(1, len(names) + 1)], names,
                                        label=row["name"]) if stats else "")
    return {
        "document": document,
        "rows": rows,
        "domain_rows": wheel_domain_rows(document),
        "level_names": names,
        "wheel": wheel_svg(document, title=_("Domain wheel: %(round)s") % {"round": round_.name}),
    }


def round_detail(request: HttpRequest, fmt: str = "html", *, slug: str,
                 round: str) -> HttpResponse:  # noqa: A002 - the URL's name
    """
    One round. Closed: its published results (wheel, per sub-domain table with distribution
    bars, domain roll-ups, alpha, perception flags, shared reasons; for a follow-up, the
    change in consensus). Open: that it is in progress, the number of raters once there are
    enough, a link to rate; coordinators also see provisional figures (never in the twins).

    Template: rounds/round_detail.html
    Context: coalition, round, state, document, rows, domain_rows, wheel, level_names,
    reasons, changes, change_summary, public_raters, provisional, can_rate, can_close,
    breadcrumbs
    Formats: .json (the consolidation document, as `smartplace consolidate` prints it, with
    the round's facts), .csv (its rows)
    """
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    publication = round_publication(round_=round_)
    document, public_raters = publication.document, publication.raters
    result = round_.result if document is not None else None
    changes, change_summary = round_follow_up_change(round_=round_, document=document)
    reasons = round_public_reasons(round_=round_) if document else {}
    metadata = round_metadata(round_, request, raters=public_raters)
    licence = coalition.licence

    if fmt == "json":
        body = {
            "title": round_.name,
            "source": request.build_absolute_uri(round_.get_absolute_url()),
            "licence": licence,
            "last_updated": round_.result_computed_at or round_.updated_at,
            "round_facts": metadata,
            "published": document is not None,
            **(document or {}),
            "public_reasons": reasons,
        }
        if changes:
            body["consensus_change"] = {
                "follow_up_of": round_.follow_up_of.slug,
                "summary": change_summary,
                "items": [{"item": c.item, "name": c.name, "consensus_before": c.before,
                           "consensus_after": c.after, "change": c.change,
                           "median_before": c.median_before, "median_after": c.median_after}
                          for c in changes],
            }
        response = HttpResponse(json.dumps(plain(body), ensure_ascii=False, indent=2),
                                content_type="application/json")
        response["Link"] = f'<{licence["url"]}>; rel="license"; title="{licence["name"]}"'
        return response
    if fmt == "csv":
        if result:
            header, rows = result["csv_header"], result["csv_rows"]
        else:
            header = ["scope", "note"]
            rows = [["round", _("Results are published when the round closes.")]]
        return csv_response(Dataset(title=round_.name, columns=header,
                                    rows=[dict(zip(header, row, strict=True)) for row in rows],
                                    licence=licence,
                                    last_updated=round_.result_computed_at),
                            f"{coalition.slug}-{round_.slug}")

    context = {**_crumbs(request, coalition, {"text": round_.name, "href": request.path}),
               "round": round_, "state": round_.state(), "document": document,
               "reasons": reasons, "changes": changes, "change_summary": change_summary,
               "public_raters": public_raters, "provisional": False,
               "can_rate": (round_.is_open()
                            and request.user.has_perm("rounds.rate_round", round_)),
               "can_close": (not round_.is_closed()
                             and request.user.has_perm("rounds.close_round", round_))}
    if document is not None:
        context.update(_result_context(round_, document))
    elif request.user.has_perm("rounds.view_provisional_results", round_):
        provisional = round_result_compute(round_=round_)["document"]
        context.update(_result_context(round_, provisional))
        context["provisional"] = True
    return respond(request, "html", template="rounds/round_detail.html", context=context,
                   dataset=lambda: Dataset(title=round_.name, columns=[], rows=[],
                                           licence=licence,
                                           last_updated=round_.result_computed_at),
                   filename=round_.slug)


def round_method(request: HttpRequest, *, slug: str, round: str) -> HttpResponse:  # noqa: A002
    """
    How a round's figures are made: its rules (minimum raters, contested threshold, median
    and quartile rules, consensus, alpha, perception thresholds), each explained.

    Template: rounds/round_method.html
    Context: coalition, round, method, perception, breadcrumbs
    """
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    result = round_published_result(round_=round_)
    document = result["document"] if result else round_result_compute(round_=round_)["document"]
    context = {**_crumbs(request, coalition,
                         {"text": round_.name, "href": round_.get_absolute_url()}),
               "round": round_, "method": document["method"],
               "perception": document.get("perception", {}).get("thresholds")}
    return render(request, "rounds/round_method.html", context)


def _svg_response(svg: str, filename: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.svg"'
    return response


def round_wheel(request: HttpRequest, *, slug: str, round: str) -> HttpResponse:  # noqa: A002
    """The wheel of a closed round as a standalone SVG file (404 while the round is open)."""
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    result = round_published_result(round_=round_)
    if result is None:
        raise Http404(_("This round’s results are published when it closes."))
    title = _("Domain wheel: %(round)s, %(coalition)s") % {"round": round_.name,
                                                           "coalition": coalition.name}
    return _svg_response(wheel_svg(result["document"], title=title, standalone=True),
                         f"{coalition.slug}-{round_.slug}-wheel")


def coalition_wheel(request: HttpRequest, *, slug: str) -> HttpResponse:
    """The wheel of the coalition's latest closed round as an SVG file (404 without one)."""
    coalition = coalition_or_404(slug)
    latest = (Round.objects.closed().filter(coalition=coalition)
              .select_related("coalition", "framework").order_by("-closes_at", "-pk").first())
    if latest is None:
        raise Http404(_("This coalition has not published a fitness round yet."))
    return round_wheel(request, slug=slug, round=latest.slug)


TREND_COLUMNS = ["scope", "domain", "item", "name", "round", "round_name", "closes_at", "n",
                 "median", "median_name", "consensus"]


def round_trend_list(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    Trends across the coalition's closed rounds: per domain a line chart of its median, and a
    table of every domain's and sub-domain's median and consensus in each round.

    Template: rounds/round_trends.html
    Context: coalition, rounds, series, charts, level_names, breadcrumbs
    Formats: .json, .csv (one row per domain or sub-domain and round)
    """
    coalition = coalition_or_404(slug)
    rounds, series = round_trends(coalition=coalition)
    names = (rounds[-1].result["document"]["method"]["level_names"] if rounds else [])
    charts = []
    for number, trend in enumerate(t for t in series if t.scope == "domain"):
        charts.append({"name": trend.name, "svg": trend_svg(
            series=[(trend.name, trend.medians)], rounds=[r.name for r in rounds],
            names=names, title=_("%(domain)s: median level by round") % {"domain": trend.name},
            id_prefix=f"trend-{number}")})
    context = {**_crumbs(request, coalition, {"text": _("Trends"), "href": request.path}),
               "rounds": rounds, "series": series, "charts": charts, "level_names": names}

    def dataset() -> Dataset:
        rows = []
        for trend in series:
            for index, round_ in enumerate(rounds):
                median = trend.medians[index]
                rows.append({
                    "scope": trend.scope, "domain": trend.domain or trend.key,
                    "item": trend.key if trend.scope == "item" else None, "name": trend.name,
                    "round": round_.slug, "round_name": round_.name,
                    "closes_at": round_.ended_at, "n": trend.n[index], "median": median,
                    "median_name": names[median - 1] if median else None,
                    "consensus": trend.consensus[index],
                })
        return Dataset(title=_("Fitness trends of %(coalition)s") % {"coalition": coalition.name},
                       columns=TREND_COLUMNS, rows=rows, licence=coalition.licence,
                       last_updated=max((r.result_computed_at for r in rounds
                                         if r.result_computed_at), default=None))

    return respond(request, fmt, template="rounds/round_trends.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-fitness-trends")


def round_create(request: HttpRequest, *, slug: str) -> HttpResponse:
    """
    A coordinator opens a round (GET: the form; POST: opens it and shows it).

    Template: rounds/round_form.html
    Context: coalition, form, breadcrumbs
    """
    coalition = coalition_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("rounds.add_round", coalition):
        return not_a_member(request, coalition=coalition, action=_("open fitness rounds"),
                            coordinators_only=True)
    form = RoundForm(request.POST if request.method == "POST" else None, coalition=coalition)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                coalition=coalition, **form.round_values(),
                created_by=Person.objects.filter(user=request.user).first())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” has been opened") % {"name": round_.name})
            return redirect(round_.get_absolute_url())
    context = {**_crumbs(request, coalition, {"text": _("Open a round"), "href": request.path}),
               "form": form}
    return render(request, "rounds/round_form.html", context,
                  status=400 if form.is_bound else 200)


def round_close(request: HttpRequest, *, slug: str, round: str) -> HttpResponse:  # noqa: A002
    """
    A coordinator closes a round now (GET: asks to confirm; POST: closes and publishes).

    Template: rounds/round_close.html
    Context: coalition, round, raters, error, breadcrumbs
    """
    coalition = coalition_or_404(slug)
    round_ = round_or_404(coalition, round)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("rounds.close_round", round_):
        return not_a_member(request, coalition=coalition, action=_("close fitness rounds"),
                            coordinators_only=True)
    error = None
    if request.method == "POST":
        try:
            services.round_close(round_=round_)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("“%(name)s” is closed and its results are published")
                             % {"name": round_.name})
            return redirect(round_.get_absolute_url())
    context = {**_crumbs(request, coalition,
                         {"text": round_.name, "href": round_.get_absolute_url()}),
               "round": round_, "raters": round_rater_count(round_=round_), "error": error}
    return render(request, "rounds/round_close.html", context, status=400 if error else 200)
