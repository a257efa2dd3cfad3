from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from smartplace.core.models import TimeStampedModel


class PersonQuerySet(models.QuerySet):
    """
    The one gate on people's names, as `Initiative.objects.public()` / `.visible_to(user)` is
    on initiatives. Every surface that names people takes them through `public()` (anyone's
    view), `visible_to(user)` (a signed-in person's) or `name_shown()` (a name beside other
    rows); none reads `public_profile` itself. The privacy test removes this gate and checks
    that the crawl of the site then finds an unconsented name.
    """

    def public(self):
        """Only the people anyone may see named: those who consented to a public profile."""
        return self.filter(public_profile=True)

    def visible_to(self, user):
        """
        The people whose names `user` may see (`people.view_person`): the public ones, the
        user themselves, the active members of the coalitions the user is an active member
        of, and the people who asked to join a coalition the user coordinates. Superusers see
        everyone.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.public()
        if user.is_superuser:
            return self.all()
        live = [Membership.Status.REQUESTED, Membership.Status.ACTIVE]
        mine = Membership.objects.filter(person__user=user, status=Membership.Status.ACTIVE)
        return (self.public() | self.filter(
            Q(user=user)
            | Q(memberships__status=Membership.Status.ACTIVE,
                memberships__coalition__in=mine.values("coalition"))
            | Q(memberships__status__in=live, memberships__coalition__in=mine.filter(
                role=Membership.Role.COORDINATOR).values("coalition"))
        )).distinct()


def name_shown(ref: str = "person", *, user=None) -> Subquery:
    """
    The name to show beside a row that points at a person, as an expression to annotate the
    rows with: the person's name when `user` may see it (`Person.objects.visible_to(user)`;
    without a user, `Person.objects.public()`: when they consented to be named), otherwise
    NULL, which a page shows as no name or "a member". `ref` is the lookup of the person on
    the annotated model, e.g. `Rating.objects.annotate(author=name_shown("person"))`.
    """
    return Subquery(Person.objects.visible_to(user).filter(pk=OuterRef(ref))
                    .values("name")[:1])


class Person(TimeStampedModel):
    """
    Someone who takes part in a coalition.

    Personal data is minimal. A person appears on public pages, in exports and in counts of
    named people only when `public_profile` is true (their consent): through
    `Person.objects.public()`, `.visible_to(user)` or `name_shown()`, never by reading the
    field.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="person")
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("role or job title"), max_length=200, blank=True)
    public_profile = models.BooleanField(
        _("show my name and profile publicly"), default=False,
        help_text=_("Without this, your name is never published."),
    )
    domains = models.ManyToManyField("frameworks.Domain", verbose_name=_("domains I know about"),
                                     blank=True, related_name="people")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name


class Membership(TimeStampedModel):
    """A person's place in a coalition: their role, organisation, and when they joined and left."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        DOMAIN_LEAD = "domain_lead", _("Domain lead")
        STEERING = "steering", _("Steering group")
        COORDINATOR = "coordinator", _("Coordinator")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        ACTIVE = "active", _("Member")
        LEFT = "left", _("Left")
        DECLINED = "declined", _("Request declined")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    coalition = models.ForeignKey("coalitions.Coalition", on_delete=models.CASCADE,
                                  related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.REQUESTED, db_index=True)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="memberships")
    lead_domains = models.ManyToManyField(
        "frameworks.Domain", blank=True, related_name="leads",
        help_text=_("For a domain lead: the domains they lead."),
    )
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    left_on = models.DateField(_("left"), null=True, blank=True)
    request_message = models.TextField(_("why I want to join"), blank=True)

    class Meta:
        ordering = ["coalition", "person__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "coalition"],
                condition=Q(status__in=["requested", "active"]),
                name="one_live_membership_per_person_and_coalition",
            ),
        ]

    def __str__(self):
        return f"{self.person} in {self.coalition} ({self.get_role_display()})"
