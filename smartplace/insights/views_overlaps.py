"""
Overlaps: a coalition's report of initiatives that look like the same work (a page of groups
at a time), one initiative's similar initiatives, the members' "not the same" button and its
undo, and the page that explains the method.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartplace.core.formats import Dataset, respond
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.selectors import initiative_get_visible, initiative_last_updated
from smartplace.initiatives.views import coalition_context, coalition_or_404
from smartplace.insights.overlap_dismissal import DismissError, overlap_dismiss
from smartplace.insights.overlap_pages import (
    overlap_dismissal_list,
    overlap_group_pages,
    overlap_state_facts,
    overlap_undismiss,
)
from smartplace.insights.overlap_reads import overlap_report, similar_for_initiative
from smartplace.insights.overlaps import overlap_method

PAIR_COLUMNS = [
    "group", "score", "a_coalition", "a_slug", "a_title", "a_lead_organisation", "a_url",
    "b_coalition", "b_slug", "b_title", "b_lead_organisation", "b_url", "across_coalitions",
]


def _side(initiative: Initiative, prefix: str, absolute) -> dict:
    lead = initiative.lead_organisation
    return {
        f"{prefix}_coalition": initiative.coalition.slug,
        f"{prefix}_slug": initiative.slug,
        f"{prefix}_title": initiative.title,
        f"{prefix}_lead_organisation": lead.name if lead else None,
        f"{prefix}_url": absolute(initiative.get_absolute_url()),
    }


#: About how many pairs a page of the overlap report shows: a page holds whole groups (the
#: largest come first) up to this many pairs, or one larger group on its own.
PAIRS_PER_PAGE = 200


def _method(request: HttpRequest, coalition) -> dict:
    """The method behind the scores, for the twins: its version, threshold and the page of
    the site that explains it."""
    method = overlap_method()
    return {"method": method.version, "threshold": method.threshold,
            "documentation": request.build_absolute_uri(
                reverse("insights:overlaps_method", kwargs={"slug": coalition.slug}))}


def _described_by(response: HttpResponse, request: HttpRequest, coalition) -> HttpResponse:
    """Point the response at the method page in its `Link` header (`rel="describedby"`), so
    that the CSV twin, which has no room for it in its rows, names it too."""
    link = f'<{_method(request, coalition)["documentation"]}>; rel="describedby"'
    response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
    return response


def _page_of_groups(request: HttpRequest, groups: list, fmt: str):
    """
    The page of groups this request asks for (`?page=`; 404 for a page that is not there), or
    (None, groups) for a twin without `?page=`, which gives every pair. Pages are
    `overlap_group_pages` of `PAIRS_PER_PAGE`; the Django page's one object is its groups.
    """
    if fmt != "html" and "page" not in request.GET:
        return None, groups
    paginator = Paginator(overlap_group_pages(groups, pairs=PAIRS_PER_PAGE), 1,
                          allow_empty_first_page=True)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger as error:
        raise Http404(_("The page number must be a whole number.")) from error
    except EmptyPage as error:
        if fmt == "html" and int(request.GET["page"]) > paginator.num_pages:
            # The last page emptied (a pair marked "not the same" or a recompute): show the
            # page that is now the last rather than "not found".
            raise _LastPage(paginator.num_pages) from error
        raise Http404(_("There is no such page.")) from error
    return page, (list(page.object_list[0]) if page.object_list else [])


class _LastPage(Exception):
    """The page asked for is past the end; `number` is the last one."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


def overlaps(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    The coalition's overlap report: pairs of initiatives (one at least in this coalition) whose
    similarity reaches the threshold, grouped around the initiative most like the others.
    Pairs with an initiative `request.user` may not see, and dismissed pairs, are left out.

    The groups come a page at a time (`?page=N`: whole groups, about `PAIRS_PER_PAGE` pairs a
    page). Members also see the pairs marked as not the same, each with a button to undo it.

    Template: insights/overlaps.html
    Context: coalition, report, groups (this page's), page, can_dismiss, dismissed,
    breadcrumbs
    Formats: .json, .csv (one row per pair, with its group number: every pair, or with
    `?page=N` the pairs of that page's groups)
    """
    coalition = coalition_or_404(slug)
    report = overlap_report(coalition=coalition, user=request.user)
    try:
        page, groups = _page_of_groups(request, report.groups, fmt)
    except _LastPage as last:
        return HttpResponseRedirect(request.path + (f"?page={last.number}"
                                                    if last.number > 1 else ""))
    can_dismiss = request.user.is_authenticated and (
        request.user.is_superuser or request.user.has_perm("people.view_private", coalition))
    context = {**coalition_context(request, coalition), "report": report, "groups": groups,
               "page": page, "can_dismiss": can_dismiss,
               "dismissed": (overlap_dismissal_list(coalition=coalition, user=request.user)
                             if can_dismiss and fmt == "html" else [])}

    def dataset() -> Dataset:
        absolute = request.build_absolute_uri
        if page is None:
            pairs = report.pairs
        else:
            shown = {group.number for group in groups}
            pairs = [pair for pair in report.pairs if pair.group in shown]
        return Dataset(
            title=_("Overlaps in %(coalition)s") % {"coalition": coalition.name},
            columns=PAIR_COLUMNS,
            rows=({"group": pair.group or None, "score": round(pair.score, 4),
                   **_side(pair.a, "a", absolute), **_side(pair.b, "b", absolute),
                   "across_coalitions": pair.across_coalitions} for pair in pairs),
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            extra={"coalition": coalition.slug, **_method(request, coalition),
                   "groups": len(report.groups)},
        )

    return _described_by(respond(request, fmt, template="insights/overlaps.html",
                                 context=context, dataset=dataset,
                                 filename=f"{coalition.slug}-overlaps"), request, coalition)


def similar(request: HttpRequest, fmt: str = "html", *, slug: str,
            initiative: str) -> HttpResponse:
    """
    The initiatives most like one initiative: in its coalition and in other coalitions
    ("others working on this"), those `request.user` may see, without dismissed pairs.

    Template: insights/overlap_similar.html
    Context: coalition, initiative, similar, breadcrumbs
    Formats: .json, .csv (one row per similar initiative)
    """
    coalition = coalition_or_404(slug)
    try:
        item = initiative_get_visible(coalition=coalition, slug=initiative, user=request.user)
    except Initiative.DoesNotExist as error:
        raise Http404(_("There is no initiative at this address.")) from error
    found = similar_for_initiative(initiative=item, user=request.user)
    context = {
        **coalition_context(
            request, coalition,
            {"text": _("Initiatives"),
             "href": reverse("coalitions:initiative_list", kwargs={"slug": coalition.slug})},
            {"text": item.title, "href": item.get_absolute_url()},
        ),
        "initiative": item,
        "similar": found,
    }

    def dataset() -> Dataset:
        absolute = request.build_absolute_uri
        rows = [{"where": where, "score": round(entry.score, 4),
                 **_side(entry.initiative, "b", absolute)}
                for where, group in (("same_coalition", found.same_coalition),
                                     ("other_coalitions", found.other_coalitions))
                for entry in group]
        return Dataset(
            title=_("Initiatives like %(title)s") % {"title": item.title},
            columns=["where", "score", "b_coalition", "b_slug", "b_title",
                     "b_lead_organisation", "b_url"],
            rows=rows, licence=coalition.licence, last_updated=item.updated_at,
            extra={"initiative": absolute(item.get_absolute_url()),
                   **_method(request, coalition)},
        )

    return _described_by(respond(request, fmt, template="insights/overlap_similar.html",
                                 context=context, dataset=dataset,
                                 filename=f"{coalition.slug}-{item.slug}-similar"),
                         request, coalition)


@require_POST
def overlap_dismiss_view(request: HttpRequest, *, slug: str) -> HttpResponse:
    """
    POST `a` and `b` (initiative ids), optional `note` and `next`: record that the two are not
    the same work. Members of either initiative's coalition only; then back to `next` (or the
    report) with a notification banner.
    """
    coalition = coalition_or_404(slug)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('core:sign_in')}?next={request.path}")
    a, b = _pair_from_post(request)
    target = _safe_next(request, coalition)
    try:
        overlap_dismiss(user=request.user, a=a, b=b, note=request.POST.get("note", ""))
    except DismissError:
        messages.error(request, _("Only members of either initiative’s coalition can mark a "
                                  "pair as not the same."))
        response = HttpResponseRedirect(target)
        return response
    messages.success(request, _("“%(a)s” and “%(b)s” are marked as not the same. The pair is "
                                "not shown again unless a member undoes this, from the "
                                "coalition’s overlaps page.") % {"a": a.title, "b": b.title})
    return HttpResponseRedirect(target)


def _pair_from_post(request: HttpRequest) -> tuple[Initiative, Initiative]:
    """The two initiatives named by POST `a` and `b`, among those the user may see; or 404."""
    visible = Initiative.objects.visible_to(request.user)
    try:
        return (visible.get(pk=int(request.POST.get("a", ""))),
                visible.get(pk=int(request.POST.get("b", ""))))
    except (ValueError, Initiative.DoesNotExist) as error:
        raise Http404(_("There is no such pair of initiatives.")) from error


def _safe_next(request: HttpRequest, coalition) -> str:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("insights:overlaps", kwargs={"slug": coalition.slug})
    return target


@require_POST
def overlap_undismiss_view(request: HttpRequest, *, slug: str) -> HttpResponse:
    """
    POST `a` and `b` (initiative ids) and optional `next`: undo "not the same", so the pair is
    shown again. Those who may mark the pair only; then back to `next` (or the report) with a
    notification banner.
    """
    coalition = coalition_or_404(slug)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('core:sign_in')}?next={request.path}")
    a, b = _pair_from_post(request)
    target = _safe_next(request, coalition)
    try:
        undone = overlap_undismiss(user=request.user, a=a, b=b)
    except DismissError:
        messages.error(request, _("Only members of either initiative’s coalition can undo "
                                  "“not the same”."))
        return HttpResponseRedirect(target)
    if undone:
        messages.success(request, _("“%(a)s” and “%(b)s” are no longer marked as not the same. "
                                    "The pair is shown again when they are similar enough.")
                         % {"a": a.title, "b": b.title})
    return HttpResponseRedirect(target)


def overlaps_method(request: HttpRequest, *, slug: str) -> HttpResponse:
    """
    How overlaps are found: what is compared, how the score is made, the threshold and how it
    was chosen, how pairs are grouped, "not the same", and the method's limits. The page the
    overlaps twins point to (`documentation`).

    Template: insights/overlaps_method.html
    Context: coalition, similarity (the site's `OverlapMethod`), state, breadcrumbs
    """
    coalition = coalition_or_404(slug)
    method = overlap_method()
    context = {
        **coalition_context(
            request, coalition,
            {"text": _("Overlaps"),
             "href": reverse("insights:overlaps", kwargs={"slug": coalition.slug})}),
        "similarity": method,
        "state": overlap_state_facts(method=method),
    }
    return render(request, "insights/overlaps_method.html", context)
