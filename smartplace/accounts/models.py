"""
Invitations to join a coalition, and the audit history of other apps' models.

The history of initiatives (with their partners, people, sub-domains and links:
`initiatives.history`), evidence, frameworks, smart questions, support for them and which
initiatives answer them is kept
by django-simple-history. The historical models are registered here, with
`app="smartplace.accounts"`, so their tables and migrations belong to this app and the apps
whose models they record need no change. Ratings keep their own history
(`rounds.RatingHistory`) and so do answers (`assessments.AnswerHistory`).
"""

from __future__ import annotations

import hashlib

import simple_history
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from smartplace.frameworks.models import (
    Domain,
    Framework,
    SmartQuestion,
    SmartQuestionSupport,
    SubDomain,
)
from smartplace.initiatives.history import related_fill
from smartplace.initiatives.models import Evidence, Initiative
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.people.models import Membership

#: The models whose changes the audit history records (docs/accounts.md).
AUDITED = [Initiative, Evidence, Framework, Domain, SubDomain, SmartQuestion,
           SmartQuestionSupport, QuestionAnswer]


class RelatedAtTheTime(models.Model):
    """An initiative's historical row also keeps its relations then (`initiatives.history`)."""

    related = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


for _model in AUDITED:
    simple_history.register(_model, app="smartplace.accounts",
                            bases=[RelatedAtTheTime] if _model is Initiative else [models.Model],
                            excluded_fields=["updated_at"]
                            if any(f.name == "updated_at" for f in _model._meta.fields) else [])
pre_create_historical_record.connect(related_fill, sender=Initiative.history.model,
                                     dispatch_uid="initiative_related_fill")


def token_hash(token: str) -> str:
    """The SHA-256 of an invitation token: only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor withdrawn, and not past its expiry."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=timezone.now())


class Invitation(models.Model):
    """
    A coordinator's invitation to someone, by email address, to join a coalition.

    The link in the email carries a secret token; only its SHA-256 (`token_hash`) is stored.
    Accepting it, signed in with the same email address, makes the person an active member
    with `role`.
    """

    coalition = models.ForeignKey("coalitions.Coalition", on_delete=models.CASCADE,
                                  related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices,
                            default=Membership.Role.MEMBER)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("organisation"))
    message = models.TextField(_("message"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey("people.Person", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} to {self.coalition}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired
