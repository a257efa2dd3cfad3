"""
Invitations, your personal data (download and erasure) and a coalition's audit history.

All need a signed-in user; anyone else is sent to sign in and brought back.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartplace.accounts import selectors, services
from smartplace.accounts.audit import PAGE_SIZE as AUDIT_PAGE_SIZE
from smartplace.accounts.audit import AuditHistory
from smartplace.accounts.forms import AuditFilterForm, EraseForm, InvitationForm
from smartplace.accounts.models import Invitation
from smartplace.coalitions.models import Coalition
from smartplace.core.formats import paginate
from smartplace.people.membership_views import not_a_member


def _crumbs(coalition: Coalition) -> list[dict]:
    return [{"text": _("Coalitions"), "href": reverse("coalitions:coalition_list")},
            {"text": coalition.name, "href": coalition.get_absolute_url()}]


@require_GET
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in person, as a JSON file to keep."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    data = selectors.person_export(user=request.user)
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, indent=2,
                                       ensure_ascii=False),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-smartplace-data.json"'
    response["Cache-Control"] = "no-store"
    return response


def erase(request: HttpRequest) -> HttpResponse:
    """
    Erase your personal data and close your account. GET explains what goes and what stays;
    POST (with the confirmation ticked) leaves every coalition, erases, signs out and goes to
    the front page. Refused with 400 and a message when the person is a coalition's only
    coordinator, or did not confirm.

    Template: accounts/erase.html
    Context: form, error, memberships (live ones), coalition (from ?coalition=, for the
    breadcrumbs and the cancel link), breadcrumbs
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    coalition = Coalition.objects.filter(slug=request.GET.get("coalition") or "").first()
    form = EraseForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            logout(request)
            messages.success(request, _("Your personal data has been erased and your account "
                                        "closed. What you contributed stays, attributed to "
                                        "“a former member”."))
            return redirect("core:home")
    person = getattr(request.user, "person", None)
    memberships = (person.memberships.filter(status__in=["requested", "active"])
                   .select_related("coalition") if person else [])
    return render(request, "accounts/erase.html", {
        "form": form, "error": error, "memberships": memberships, "coalition": coalition,
        "breadcrumbs": _crumbs(coalition) if coalition else [],
    }, status=400 if (error or (form.is_bound and form.errors)) else 200)


def invite(request: HttpRequest, slug: str) -> HttpResponse:
    """
    A coordinator invites people by email address, and sees the invitations still pending
    (with a button to withdraw each: POST withdraw=<id>).

    Template: accounts/invite.html
    Context: coalition, form, pending (invitations), breadcrumbs
    """
    coalition = get_object_or_404(Coalition, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("coalitions.manage_membership", coalition):
        return not_a_member(request, coalition=coalition, action=_("invite people"),
                            coordinators_only=True)
    days = settings.SMARTPLACE_INVITATION_DAYS
    if request.method == "POST" and "withdraw" in request.POST:
        invitation = get_object_or_404(Invitation, coalition=coalition,
                                       pk=request.POST["withdraw"]
                                       if request.POST["withdraw"].isdigit() else 0)
        services.invitation_withdraw(invitation=invitation)
        messages.success(request, _("You have withdrawn the invitation to %(email)s")
                         % {"email": invitation.email})
        return redirect("accounts:invite", slug=coalition.slug)
    form = InvitationForm(request.POST if request.method == "POST" else None, days=days)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                coalition=coalition, email=data["email"], invited_by=request.user,
                role=data["role"], organisation=data["organisation"], message=data["message"],
                base_url=request.build_absolute_uri("/"))
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("We have emailed an invitation to %(email)s")
                             % {"email": data["email"]})
            return redirect("accounts:invite", slug=coalition.slug)
    pending = Invitation.objects.pending().filter(coalition=coalition).select_related(
        "organisation")
    return render(request, "accounts/invite.html", {
        "coalition": coalition, "form": form, "pending": pending,
        "breadcrumbs": _crumbs(coalition),
    }, status=400 if form.is_bound and form.errors else 200)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """
    The page an invitation's link opens. GET shows the invitation (a link scanner opening it
    changes nothing); POST, signed in with the invited address, accepts it and goes to the
    coalition. An unknown token is 404; a used, withdrawn or expired one, or the wrong
    account, is 400 with a message.

    Template: accounts/invitation.html
    Context: invitation, error, breadcrumbs
    """
    invitation = services.invitation_for_token(token=token)
    if invitation is None:
        return render(request, "core/404.html", {
            "message": _("This invitation link is not valid. Check it was copied in full.")},
            status=404)
    error = ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You are now a member of %(coalition)s")
                             % {"coalition": invitation.coalition.name})
            return redirect(invitation.coalition.get_absolute_url())
    elif not invitation.is_pending:
        error = (_("This invitation has already been accepted") if invitation.accepted_at
                 else _("This invitation has been withdrawn. Ask the coordinator for a new "
                        "one.") if invitation.revoked_at
                 else _("This invitation has expired. Ask the coordinator for a new one."))
    return render(request, "accounts/invitation.html", {
        "invitation": invitation, "error": error, "breadcrumbs": _crumbs(invitation.coalition),
    }, status=400 if error else 200)


def audit(request: HttpRequest, slug: str) -> HttpResponse:
    """
    A coalition's audit history for its coordinators: the changes to its initiatives,
    evidence, smart questions, framework and ratings, newest first, with who, when and what
    changed; 100 a page (`?page=N`, 404 for no such page), optionally of one kind of record
    (`?kind=`, 400 with the error for an unknown kind).

    Template: accounts/audit.html
    Context: coalition, form, page, entries (audit.AuditEntry), breadcrumbs
    """
    coalition = get_object_or_404(Coalition, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("coalitions.change_coalition", coalition):
        return not_a_member(request, coalition=coalition, action=_("see the audit history"),
                            coordinators_only=True)
    form = AuditFilterForm(request.GET if "kind" in request.GET else None)
    context = {"coalition": coalition, "form": form, "page": None, "entries": [],
               "breadcrumbs": _crumbs(coalition)}
    if form.is_bound and not form.is_valid():
        return render(request, "accounts/audit.html", context, status=400)
    kind = form.cleaned_data["kind"] if form.is_bound else ""
    history = AuditHistory(coalition=coalition, kinds=[kind] if kind else [])
    page, entries = paginate(request, history, "html", per_page=AUDIT_PAGE_SIZE)
    context.update({"page": page, "entries": entries, "kind": kind})
    return render(request, "accounts/audit.html", context)
