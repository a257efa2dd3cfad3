"""
Reads about accounts: everything held about a person (their download). A coalition's audit
history is in `audit.py`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from smartplace.accounts.models import AUDITED, Invitation
from smartplace.api.models import ApiToken
from smartplace.frameworks.models import (
    SmartQuestion,
)
from smartplace.initiatives.models import Initiative
from smartplace.insights.models_curation import InitiativeConfirmation
from smartplace.insights.models_overlaps import OverlapDismissal
from smartplace.opendata.models import DataProblemReport, DataRelease
from smartplace.people.models import Person
from smartplace.rounds.models import Rating, RatingHistory, Round

#: Every relation to the user or person model, as "<app>.<Model>.<field>", and where in the
#: download its records are ("sign_in.email_addresses": that list in that section).
#: Relations of the historical (audit) models are matched by their field alone
#: ("accounts.Historical*.history_user"). The test
#: `test_every_relation_to_a_person_is_exported_or_left_out_with_a_reason` walks the models'
#: relations and fails on one in neither this nor EXPORT_LEAVES_OUT.
EXPORT_COVERS: dict[str, str] = {
    "people.Person.user": "person",
    "auth.User.groups": "account.groups",
    "auth.User.user_permissions": "account.permissions",
    "account.EmailAddress.user": "sign_in.email_addresses",
    "socialaccount.SocialAccount.user": "sign_in.provider_accounts",
    "mfa.Authenticator.user": "sign_in.authenticators",
    "api.ApiToken.user": "api_tokens",
    "admin.LogEntry.user": "admin_actions",
    "accounts.Invitation.accepted_by": "invitations",
    "accounts.Invitation.invited_by": "invitations_sent",
    "accounts.Historical*.history_user": "changes_made",
    "accounts.Historical*.created_by": "history_naming_you",
    "accounts.Historical*.proposed_by": "history_naming_you",
    "accounts.Historical*.decided_by": "history_naming_you",
    "accounts.Historical*.person": "history_naming_you",
    "opendata.DataRelease.created_by": "data_releases_made",
    "assessments.Cycle.coordinators": "assessments.cycles_coordinated",
    "assessments.Participant.respondents": "assessments.respondent_for",
    "assessments.Answer.answered_by": "assessments.answers_last_changed_by_you",
    "assessments.AnswerHistory.changed_by": "answers",
    "assessments.ReviewAssignment.reviewer": "assessments.reviews_assigned_to_you",
    "assessments.ReviewAssignment.assigned_by": "assessments.reviews_you_assigned",
    "assessments.Reply.replied_by": "assessments.replies",
    "people.Person.domains": "person.domains",
    "people.Membership.person": "memberships",
    "initiatives.Initiative.created_by": "initiatives",
    "initiatives.Initiative.people": "initiatives",
    "rounds.Rating.person": "ratings",
    "rounds.Round.created_by": "rounds_created",
    "frameworks.SmartQuestion.proposed_by": "smart_questions",
    "frameworks.SmartQuestion.decided_by": "smart_questions",
    "frameworks.SmartQuestion.supporters": "smart_questions",
    "frameworks.SmartQuestionSupport.person": "smart_questions",
    "insights.InitiativeConfirmation.confirmed_by": "initiative_confirmations",
    "insights.OverlapDismissal.dismissed_by": "overlap_dismissals",
}

#: Relations to the user or person model whose records are not in the download, and why.
#: (None at present: every relation's records are personal data of the person they point at.
#: Add one here only with the reason, and say so in docs/accounts.md.)
EXPORT_LEAVES_OUT: dict[str, str] = {}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def person_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """
    Everything smartplace holds about `user`, as plain JSON values: account (with groups and
    permissions), sign-in methods (verified addresses, provider accounts with the details the
    provider sent, authenticator types: never secrets), API tokens (names and dates, never
    secrets), invitations to their address or accepted by them, invitations they sent (not
    the invitee's address), reports of problems with the data sent from their address, data
    releases they made, what they did in the admin, the audit history of changes they made
    and of records naming them; and, with their person: person and domains, memberships,
    initiatives they created or are named on, ratings with every value they submitted,
    rounds they created, smart questions they proposed, support or decided, initiatives they
    confirmed as current and overlaps they dismissed; assessment answers they gave (every
    change, and the live answers they last changed), their replies, the cycles they
    coordinate, participants they answer for and review assignments to or by them.

    Every relation to the user and person models is in `EXPORT_COVERS` or, with a reason, in
    `EXPORT_LEAVES_OUT`.
    """
    person = Person.objects.filter(user=user).prefetch_related("domains").first()
    invitations = (Q(email__iexact=user.email) if user.email else Q(pk__in=[]))
    if person is not None:
        invitations |= Q(accepted_by=person)
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email, "username": user.get_username(),
            "name": user.get_full_name(), "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login), "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(f"{p.content_type.app_label}.{p.codename}"
                                  for p in user.user_permissions.select_related(
                                      "content_type")),
        },
        "sign_in": {
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)],
            "provider_accounts": [
                {"provider": s.provider, "uid": s.uid, "last_login": _iso(s.last_login),
                 "date_joined": _iso(s.date_joined), "details_from_provider": s.extra_data}
                for s in SocialAccount.objects.filter(user=user)],
            # The type and dates only: an authenticator's data holds its secret and its
            # recovery codes.
            "authenticators": [
                {"type": a.type, "created_at": _iso(a.created_at),
                 "last_used_at": _iso(a.last_used_at)}
                for a in Authenticator.objects.filter(user=user)],
        },
        "api_tokens": [
            {"name": t.name, "starts_with": t.prefix, "created_at": _iso(t.created_at),
             "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
            for t in ApiToken.objects.filter(user=user)],
        "invitations": [
            {"coalition": i.coalition.name, "role": i.role, "sent": _iso(i.created_at),
             "accepted": _iso(i.accepted_at), "withdrawn": _iso(i.revoked_at)}
            for i in Invitation.objects.filter(invitations).select_related("coalition")],
        "invitations_sent": [
            {"coalition": i.coalition.name, "role": i.role, "message": i.message,
             "sent": _iso(i.created_at), "accepted": _iso(i.accepted_at),
             "withdrawn": _iso(i.revoked_at)}
            for i in Invitation.objects.filter(invited_by=user).select_related("coalition")],
        "problem_reports": [
            {"dataset": r.dataset, "message": r.message, "sent": _iso(r.created_at),
             "dealt_with": r.resolved}
            for r in DataProblemReport.objects.filter(email__iexact=user.email)
        ] if user.email else [],
        "data_releases_made": [
            {"kind": r.kind, "dataset": r.key, "release_date": _iso(r.release_date),
             "version": r.version, "made_at": _iso(r.created_at)}
            for r in DataRelease.objects.filter(created_by=user).defer("archive")
            .order_by("created_at", "pk")],
        "admin_actions": [
            {"when": _iso(e.action_time), "what": e.content_type.model
             if e.content_type else None, "object": e.object_repr,
             "action": {ADDITION: "added", CHANGE: "changed",
                        DELETION: "deleted"}.get(e.action_flag, e.action_flag),
             "change": e.get_change_message()}
            for e in LogEntry.objects.filter(user=user).select_related("content_type")
            .order_by("action_time", "pk")],
        "person": None, "memberships": [], "initiatives": [], "ratings": [],
        "rounds_created": [], "answers": _answers_by(user),
        "assessments": _assessments_of(user), "smart_questions": [],
        "initiative_confirmations": [], "overlap_dismissals": [],
        "changes_made": _changes_by(user), "history_naming_you": [],
    }
    if person is None:
        return data
    data["person"] = {
        "name": person.name, "job_title": person.job_title,
        "public_profile": person.public_profile,
        "domains": [{"framework_id": d.framework_id, "slug": d.slug, "name": d.name}
                    for d in person.domains.all()],
        "created_at": _iso(person.created_at),
    }
    data["memberships"] = [
        {"coalition": m.coalition.name, "coalition_slug": m.coalition.slug, "role": m.role,
         "status": m.status, "organisation": m.organisation.name if m.organisation else None,
         "joined_on": _iso(m.joined_on), "left_on": _iso(m.left_on),
         "request_message": m.request_message, "created_at": _iso(m.created_at)}
        for m in person.memberships.select_related("coalition", "organisation")]
    initiatives = (Initiative.objects.filter(Q(created_by=person) | Q(people=person))
                   .select_related("coalition").distinct().order_by("coalition__slug", "slug"))
    data["initiatives"] = [
        {"coalition": i.coalition.slug, "slug": i.slug, "title": i.title,
         "created_by_you": i.created_by_id == person.pk, "named_on_it": None,
         "visibility": i.visibility, "url": i.get_absolute_url()}
        for i in initiatives]
    named = set(person.initiatives.values_list("pk", flat=True))
    for row, initiative in zip(data["initiatives"], initiatives, strict=True):
        row["named_on_it"] = initiative.pk in named
    history = {}
    for entry in RatingHistory.objects.filter(rating__person=person).order_by(
            "rating_id", "recorded_at", "pk"):
        history.setdefault(entry.rating_id, []).append(
            {"change": entry.change, "level": entry.level, "confidence": entry.confidence,
             "reason": entry.reason, "evidence_links": entry.evidence_links,
             "share_reason_publicly": entry.share_reason_publicly,
             "recorded_at": _iso(entry.recorded_at)})
    data["ratings"] = [
        {"coalition": r.round.coalition.slug, "round": r.round.slug,
         "subdomain": r.subdomain.slug, "level": r.level, "confidence": r.confidence,
         "reason": r.reason, "evidence_links": r.evidence_links,
         "share_reason_publicly": r.share_reason_publicly, "sector": r.sector,
         "history": history.get(r.pk, [])}
        for r in Rating.objects.filter(person=person).select_related(
            "round__coalition", "subdomain").order_by("round_id", "subdomain_id")]
    data["rounds_created"] = [
        {"coalition": r.coalition.slug, "round": r.slug, "name": r.name,
         "created_at": _iso(r.created_at)}
        for r in Round.objects.filter(created_by=person).select_related("coalition")
        .order_by("created_at", "pk")]
    supported = dict(person.question_supports.values_list("question_id", "created_at"))
    questions = (SmartQuestion.objects.filter(Q(proposed_by=person) | Q(decided_by=person)
                                              | Q(pk__in=supported))
                 .select_related("domain__framework__coalition").order_by("pk"))
    data["smart_questions"] = [
        {"coalition": getattr(q.domain.framework.coalition, "slug", None),
         "domain": q.domain.slug, "text": q.text, "status": q.status,
         "proposed_by_you": q.proposed_by_id == person.pk,
         "supported_on": _iso(supported.get(q.pk)), "created_at": _iso(q.created_at),
         "decided_by_you": q.decided_by_id == person.pk,
         "decided_at": _iso(q.decided_at) if q.decided_by_id == person.pk else None}
        for q in questions]
    data["initiative_confirmations"] = [
        {"coalition": c.initiative.coalition.slug, "initiative": c.initiative.slug,
         "title": c.initiative.title, "confirmed_at": _iso(c.confirmed_at)}
        for c in InitiativeConfirmation.objects.filter(confirmed_by=person)
        .select_related("initiative__coalition").order_by("confirmed_at", "pk")]
    data["overlap_dismissals"] = [
        {"coalition": d.a.coalition.slug, "initiatives": [d.a.title, d.b.title],
         "note": d.note, "dismissed_at": _iso(d.at)}
        for d in OverlapDismissal.objects.filter(dismissed_by=person)
        .select_related("a__coalition", "b").order_by("at", "pk")]
    data["history_naming_you"] = _history_naming(person)
    return data


def _answers_by(user) -> list[dict]:
    """Every change to an assessment answer that `user` made."""
    from smartplace.assessments.models import AnswerHistory

    return [
        {"cycle": h.participant.cycle.slug, "organisation": h.participant.organisation.name,
         "question": h.question_id, "question_code": h.question.code, "stage": h.stage,
         "via": h.via, "changed_at": _iso(h.changed_at), "old_value": h.old_value,
         "old_not_applicable": h.old_not_applicable, "new_value": h.new_value,
         "new_not_applicable": h.new_not_applicable, "evidence_url": h.evidence_url,
         "evidence_page": h.evidence_page, "evidence_quote": h.evidence_quote,
         "note": h.note}
        for h in AnswerHistory.objects.filter(changed_by=user).select_related(
            "participant__cycle", "participant__organisation", "question")
        .order_by("changed_at", "pk")]


def _assessments_of(user) -> dict[str, list[dict]]:
    """
    The assessment cycles `user` coordinates, the participants they answer for, the live
    answers they last changed, their replies to reviewed answers, and review assignments to
    them or made by them (the reviewer of one they made is not named: that is the reviewer's
    data).
    """
    from smartplace.assessments.models import Answer, Cycle, Participant, Reply, ReviewAssignment

    def where(participant) -> dict:
        return {"cycle": participant.cycle.slug,
                "organisation": participant.organisation.name}

    return {
        "cycles_coordinated": [
            {"cycle": c.slug, "name": c.name}
            for c in Cycle.objects.filter(coordinators=user).order_by("slug")],
        "respondent_for": [
            where(p) for p in Participant.objects.filter(respondents=user)
            .select_related("cycle", "organisation").order_by("pk")],
        "answers_last_changed_by_you": [
            {**where(a.participant), "question_code": a.question.code, "value": a.value,
             "not_applicable": a.not_applicable, "evidence_url": a.evidence_url,
             "evidence_page": a.evidence_page, "evidence_quote": a.evidence_quote,
             "stage": a.stage, "changed_at": _iso(a.updated_at)}
            for a in Answer.objects.filter(answered_by=user).select_related(
                "participant__cycle", "participant__organisation", "question")
            .order_by("pk")],
        "replies": [
            {**where(r.participant), "question_code": r.question.code, "agrees": r.agrees,
             "text": r.text, "evidence_url": r.evidence_url,
             "evidence_page": r.evidence_page, "evidence_quote": r.evidence_quote,
             "changed_at": _iso(r.updated_at)}
            for r in Reply.objects.filter(replied_by=user).select_related(
                "participant__cycle", "participant__organisation", "question")
            .order_by("pk")],
        "reviews_assigned_to_you": [
            {**where(r.participant), "assigned_at": _iso(r.created_at)}
            for r in ReviewAssignment.objects.filter(reviewer=user).select_related(
                "participant__cycle", "participant__organisation").order_by("pk")],
        "reviews_you_assigned": [
            {**where(r.participant), "assigned_at": _iso(r.created_at)}
            for r in ReviewAssignment.objects.filter(assigned_by=user).select_related(
                "participant__cycle", "participant__organisation").order_by("pk")],
    }


def _history_naming(person: Person) -> list[dict]:
    """
    The audit history's rows that point at `person` (e.g. an initiative's "created by" or a
    question's proposer at the time), whoever made the change: every foreign key from a
    historical model to Person.
    """
    rows = []
    for model in AUDITED:
        historical = model.history.model
        for model_field in historical._meta.fields:
            if model_field.is_relation and model_field.related_model is Person:
                for record in historical.objects.filter(**{model_field.attname: person.pk}
                                                        ).order_by("history_date"):
                    rows.append({"what": model._meta.model_name, "id": record.id,
                                 "as": model_field.name, "object": str(record)[:200],
                                 "change": record.history_type,
                                 "when": _iso(record.history_date)})
    rows.sort(key=lambda r: r["when"])
    return rows


def _changes_by(user) -> list[dict]:
    rows = []
    for model in AUDITED:
        for record in model.history.filter(history_user=user).order_by("history_date"):
            rows.append({"what": model._meta.model_name, "id": record.id,
                         "object": str(record)[:200], "change": record.history_type,
                         "when": _iso(record.history_date)})
    rows.sort(key=lambda r: r["when"])
    return rows
