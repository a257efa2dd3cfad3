"""
Writes about accounts: invitations, erasing a person's personal data, and removing records
past their retention period (docs/accounts.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from smartplace.accounts.models import Invitation, token_hash
from smartplace.coalitions.models import Coalition
from smartplace.opendata.models import DataProblemReport
from smartplace.organisations.models import Organisation
from smartplace.people import services as people_services
from smartplace.people.models import Membership, Person

#: The name an erased person is shown under, wherever their contributions appear.
FORMER_MEMBER = "A former member"


@dataclass
class SentInvitation:
    invitation: Invitation
    url: str


@transaction.atomic
def invitation_create(
    *,
    coalition: Coalition,
    email: str,
    invited_by: AbstractBaseUser | None,
    role: str = Membership.Role.MEMBER,
    organisation: Organisation | None = None,
    message: str = "",
    base_url: str,
) -> SentInvitation:
    """
    Invite `email` to join `coalition` and email them the link (`base_url` is the site's
    address, e.g. "https://smartplace.example", used to make the link absolute).

    Earlier pending invitations of the same address to the same coalition are withdrawn, so only
    the newest link works. Raises ValidationError (code "member") when someone signed in with
    that address is already an active member.
    """
    email = email.strip().lower()
    if Membership.objects.filter(coalition=coalition, status=Membership.Status.ACTIVE,
                                 person__user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member of %(coalition)s")
                              % {"email": email, "coalition": coalition.name}, code="member")
    now = timezone.now()
    Invitation.objects.pending().filter(coalition=coalition, email__iexact=email).update(
        revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        coalition=coalition, email=email, role=role, organisation=organisation,
        message=message.strip(), token_hash=token_hash(token), invited_by=invited_by,
        created_at=now, expires_at=now + timedelta(days=settings.SMARTPLACE_INVITATION_DAYS),
    )
    from django.urls import reverse

    url = base_url.rstrip("/") + reverse("accounts:invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "url": url, "coalition": coalition,
               "inviter": _inviter_name(invited_by), "site_name": settings.SMARTPLACE_SITE_NAME}
    send_mail(
        subject=_("You are invited to join %(coalition)s") % {"coalition": coalition.name},
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None, recipient_list=[email],
    )
    return SentInvitation(invitation=invitation, url=url)


def _inviter_name(user) -> str:
    person = Person.objects.filter(user=user).first() if user is not None else None
    return person.name if person else _("A coordinator")


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries `token` (in any state), or None."""
    return (Invitation.objects.select_related("coalition", "organisation")
            .filter(token_hash=token_hash(token)).first())


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """
    Accept an invitation as the signed-in `user`: they become an active member of its
    coalition with its role (an open request to join is approved; a new membership is made
    otherwise).

    Raises ValidationError with code "expired", "used", "withdrawn", "wrong_email" or
    "member" when it cannot be accepted.
    """
    invitation = Invitation.objects.select_for_update().select_related("coalition").get(
        pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted"), code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been withdrawn. Ask the coordinator "
                                "for a new one."), code="withdrawn")
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired. Ask the coordinator for a new "
                                "one."), code="expired")
    if (user.email or "").strip().lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to a different email address. Sign "
                                "out, then sign in with the address the invitation was sent "
                                "to."), code="wrong_email")
    person = people_services.person_get_or_create_for_user(user=user)
    membership = people_services.membership_live(person=person, coalition=invitation.coalition)
    if membership is not None and membership.status == Membership.Status.ACTIVE:
        raise ValidationError(_("You are already a member of %(coalition)s")
                              % {"coalition": invitation.coalition.name}, code="member")
    if membership is None:
        membership = people_services.membership_request(
            person=person, coalition=invitation.coalition,
            organisation=invitation.organisation)
    membership = people_services.membership_approve(membership=membership,
                                                    approved_by=invitation.invited_by)
    if membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_withdraw(*, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def person_erase(*, user: AbstractBaseUser) -> Person | None:
    """
    Erase a person's personal data when they leave, keeping what they contributed.

    Leaves every live membership (raising ValidationError, code "last_coordinator", when the
    person is a coalition's only coordinator, before anything changes). Then: the Person is
    renamed "A former member" with no job title, no public profile and no domains; join-request
    messages are blanked; the user is deactivated, named "A former member", with no email
    address, password, verified addresses, provider links, authenticators, API tokens or
    sessions, and the username "former-member-<id>"; they no longer coordinate any assessment
    cycle, answer for any participant or belong to any group; admin history names the
    memberships without the person; invitations to their address are deleted (pending ones
    stop working) and reports of problems with the data they sent no longer carry their
    address. Initiatives, ratings, rounds, smart questions and decisions on them,
    confirmations, dismissed overlaps, answers, replies, review assignments, data releases,
    problem reports and the audit history stay, attributed to "A former member" (by the
    person or the user, whichever the record points at).
    """
    person = Person.objects.filter(user=user).first()
    if person is not None:
        for membership in Membership.objects.filter(
                person=person, status__in=people_services.LIVE).select_related("coalition"):
            people_services.membership_leave(membership=membership)
        Membership.objects.filter(person=person).update(request_message="")
        person.name = FORMER_MEMBER
        person.job_title = ""
        person.public_profile = False
        person.save()
        person.domains.clear()
        membership_type = ContentType.objects.get_for_model(Membership)
        LogEntry.objects.filter(
            content_type=membership_type,
            object_id__in=[str(pk) for pk in person.memberships.values_list("pk", flat=True)],
        ).update(object_repr=f"{FORMER_MEMBER} (membership)")
    email = user.email
    if email:
        # Invitations name the address: pending ones stop working, and none is kept.
        Invitation.objects.filter(email__iexact=email).delete()
        DataProblemReport.objects.filter(email__iexact=email).update(email="")
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    user.coordinated_cycles.clear()
    user.groups.clear()
    user.user_permissions.clear()
    user.assessment_participations.clear()
    user.username = f"former-member-{user.pk}"
    user.email = ""
    user.first_name, user.last_name = FORMER_MEMBER, ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    _delete_sessions(user)
    return person


def _delete_sessions(user) -> None:
    from django.contrib.auth import SESSION_KEY

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            session.delete()


@dataclass
class Purged:
    declined_requests: int
    invitations: int
    sessions: int
    history: int


#: How long records are kept (docs/accounts.md).
RETENTION = {
    "declined_requests": timedelta(days=365),
    "invitations": timedelta(days=90),
    "history": timedelta(days=6 * 365),
}


@transaction.atomic
def records_purge_expired(*, now=None) -> Purged:
    """
    Delete what is kept no longer than docs/accounts.md says: requests to join declined more
    than 12 months ago; invitations accepted, withdrawn or expired more than 90 days ago;
    expired sessions; audit history older than 6 years. Returns how many of each went.
    """
    from smartplace.accounts.models import AUDITED

    now = now or timezone.now()
    declined, _kinds = Membership.objects.filter(
        status=Membership.Status.DECLINED,
        updated_at__lt=now - RETENTION["declined_requests"]).delete()
    cutoff = now - RETENTION["invitations"]
    from django.db.models import Q

    invitations, _kinds = Invitation.objects.filter(
        Q(accepted_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    sessions, _kinds = Session.objects.filter(expire_date__lt=now).delete()
    history = 0
    for model in AUDITED:
        deleted, _kinds = model.history.filter(
            history_date__lt=now - RETENTION["history"]).delete()
        history += deleted
    return Purged(declined_requests=declined, invitations=invitations, sessions=sessions,
                  history=history)
