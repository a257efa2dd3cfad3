"""
Reads about accounts: everything held about a person (their download). A coalition's audit
history is in `audit.py`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from smartplace.accounts.models import AUDITED, Invitation
from smartplace.api.models import ApiToken
from smartplace.frameworks.models import (
    SmartQuestion,
)
from smartplace.initiatives.models import Initiative
from smartplace.opendata.models import DataProblemReport
from smartplace.people.models import Person
from smartplace.rounds.models import Rating, RatingHistory


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def person_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """
    Everything smartplace holds about `user`, as plain JSON values: account, person and
    domains, memberships, initiatives they created or are named on, ratings with every value
    they submitted, answers they gave, smart questions they proposed or support, API tokens
    (names and dates, never secrets), sign-in methods (verified addresses, provider accounts,
    authenticator types), invitations to their address, reports of problems with the data sent
    from it, and the audit history of changes they made.
    """
    person = Person.objects.filter(user=user).prefetch_related("domains").first()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email, "username": user.get_username(),
            "name": user.get_full_name(), "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login), "is_staff": user.is_staff,
        },
        "sign_in": {
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)],
            "provider_accounts": [
                {"provider": s.provider, "uid": s.uid, "last_login": _iso(s.last_login),
                 "date_joined": _iso(s.date_joined)}
                for s in SocialAccount.objects.filter(user=user)],
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
            for i in Invitation.objects.filter(email__iexact=user.email).select_related(
                "coalition")] if user.email else [],
        "problem_reports": [
            {"dataset": r.dataset, "message": r.message, "sent": _iso(r.created_at),
             "dealt_with": r.resolved}
            for r in DataProblemReport.objects.filter(email__iexact=user.email)
        ] if user.email else [],
        "person": None, "memberships": [], "initiatives": [], "ratings": [], "answers": [],
        "smart_questions": [],
        "changes_made": _changes_by(user),
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
    data["answers"] = _answers_by(user)
    supported = dict(person.question_supports.values_list("question_id", "created_at"))
    questions = (SmartQuestion.objects.filter(Q(proposed_by=person) | Q(pk__in=supported))
                 .select_related("domain__framework__coalition").order_by("pk"))
    data["smart_questions"] = [
        {"coalition": getattr(q.domain.framework.coalition, "slug", None),
         "domain": q.domain.slug, "text": q.text, "status": q.status,
         "proposed_by_you": q.proposed_by_id == person.pk,
         "supported_on": _iso(supported.get(q.pk)), "created_at": _iso(q.created_at)}
        for q in questions]
    return data


def _answers_by(user) -> list[dict]:
    try:
        from smartplace.assessments.models import AnswerHistory
    except ImportError:  # pragma: no cover - the assessments app is part of the project
        return []
    return [
        {"cycle": h.participant.cycle.slug, "organisation": h.participant.organisation.name,
         "question": h.question_id, "stage": h.stage, "via": h.via,
         "changed_at": _iso(h.changed_at), "old_value": h.old_value, "new_value": h.new_value,
         "note": h.note}
        for h in AnswerHistory.objects.filter(changed_by=user).select_related(
            "participant__cycle", "participant__organisation").order_by("changed_at", "pk")]


def _changes_by(user) -> list[dict]:
    rows = []
    for model in AUDITED:
        for record in model.history.filter(history_user=user).order_by("history_date"):
            rows.append({"what": model._meta.model_name, "id": record.id,
                         "object": str(record)[:200], "change": record.history_type,
                         "when": _iso(record.history_date)})
    rows.sort(key=lambda r: r["when"])
    return rows
