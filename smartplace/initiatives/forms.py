"""The form members use to add and change an initiative, with GOV.UK error messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from smartplace.coalitions.models import Coalition
from smartplace.core.govuk_fields import GovUKDateField, GroupedModelMultipleChoiceField
from smartplace.core.jinja2 import localised
from smartplace.core.models import Visibility
from smartplace.frameworks.models import SmartQuestion, SubDomain
from smartplace.initiatives.models import Initiative, InitiativeLink
from smartplace.insights.questions import question_choices
from smartplace.organisations.models import Organisation, Sector
from smartplace.people.models import Membership, Person

MAX_LINKS = 20
URL_MAX = InitiativeLink._meta.get_field("url").max_length
LINK_TITLE_MAX = InitiativeLink._meta.get_field("title").max_length
TITLE_MAX = Initiative._meta.get_field("title").max_length
DESCRIPTION_MAX = 20_000


def parse_links(text: str) -> list[tuple[str, str]]:
    """
    Read links typed one a line: the address, then optionally a space and a title.

    An address without "http://" or "https://" that looks like a web address
    ("www.ambridge.example") gets "https://". Blank lines are skipped. Raises ValidationError
    with one message per bad line, each naming its line number.
    """
    links: list[tuple[str, str]] = []
    errors: list[ValidationError] = []
    seen: dict[str, int] = {}
    validate = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        address, _space, title = line.partition(" ")
        title = title.strip()
        if "://" not in address and "." in address and not address.startswith("/"):
            address = f"https://{address}"
        try:
            validate(address)
        except ValidationError:
            errors.append(ValidationError(
                _("Line %(line)s: enter a web address in the correct format, like "
                  "https://www.ambridge.example/project"), params={"line": number},
                code="invalid_url"))
            continue
        if len(address) > URL_MAX:
            errors.append(ValidationError(
                _("Line %(line)s: the address must be %(max)s characters or fewer"),
                params={"line": number, "max": URL_MAX}, code="url_too_long"))
            continue
        if len(title) > LINK_TITLE_MAX:
            errors.append(ValidationError(
                _("Line %(line)s: the title must be %(max)s characters or fewer"),
                params={"line": number, "max": LINK_TITLE_MAX}, code="title_too_long"))
            continue
        if address in seen:
            errors.append(ValidationError(
                _("Line %(line)s: this address is already on line %(first)s"),
                params={"line": number, "first": seen[address]}, code="duplicate"))
            continue
        seen[address] = number
        links.append((address, title))
    if errors:
        raise ValidationError(errors)
    if len(links) > MAX_LINKS:
        raise ValidationError(_("Enter %(max)s links or fewer"), params={"max": MAX_LINKS},
                              code="too_many")
    return links


def format_links(links) -> str:
    """Links as the textarea shows them: one a line, address then title."""
    return "\n".join(f"{link.url} {link.title}".strip() for link in links)


class LinksField(forms.CharField):
    """A textarea of links, one a line; cleans to a list of (address, title)."""

    widget = forms.Textarea

    def to_python(self, value):
        return parse_links(super().to_python(value) or "")


class InitiativeForm(forms.Form):
    """
    Add or change an initiative of `coalition`.

    Lead and partner organisations come from all organisations (they are shared between
    coalitions), partners grouped by sector; people from the coalition's active members;
    sub-domains from the coalition's framework, grouped by domain. When changing an initiative,
    what it already has stays on offer even if it is no longer in those lists.
    """

    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX,
        error_messages={
            "required": _("Enter a title"),
            "max_length": _("Title must be %(limit_value)s characters or fewer"),
        },
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What it does, for whom, and what has happened so far."),
        error_messages={
            "max_length": _("Description must be %(limit_value)s characters or fewer"),
        },
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Initiative.Status.choices, widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the status of the initiative"),
            "invalid_choice": _("Select the status of the initiative"),
        },
    )
    start_date = GovUKDateField(
        label=_("Start date"), required=False,
        help_text=_("For example, 27 3 2026. Leave blank if you do not know."),
    )
    end_date = GovUKDateField(
        label=_("End date"), required=False,
        help_text=_("When it ended or is planned to end. Leave blank if it is ongoing."),
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("No lead organisation"),
        error_messages={"invalid_choice": _("Select a lead organisation from the list")},
    )
    partners = GroupedModelMultipleChoiceField(
        Organisation.objects.none(), label=_("Partner organisations"),
        group_by=lambda org: org.get_sector_display(),
        help_text=_("The organisations working on it with the lead, grouped by sector."),
        empty_text=_("No organisations have been added yet."),
        error_messages={"invalid_choice": _("Select partner organisations from the list"),
                        "invalid_pk_value": _("Select partner organisations from the list")},
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=Person.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the coalition who work on it. Names are shown publicly only "
                    "for people who agreed to a public profile."),
        error_messages={"invalid_choice": _("Select people from the list"),
                        "invalid_pk_value": _("Select people from the list")},
    )
    subdomains = GroupedModelMultipleChoiceField(
        SubDomain.objects.none(), label=_("Sub-domains it serves"),
        group_by=lambda subdomain: localised(subdomain.domain, "name"),
        help_text=_("Choose every part of the coalition's domain model it contributes to."),
        empty_text=_("The coalition's framework has no sub-domains yet."),
        error_messages={"invalid_choice": _("Select sub-domains from the list"),
                        "invalid_pk_value": _("Select sub-domains from the list")},
    )
    smart_questions = GroupedModelMultipleChoiceField(
        SmartQuestion.objects.none(), label=_("Smart questions it helps to answer"),
        group_by=lambda question: localised(question.domain, "name"),
        help_text=_("The challenge questions of the coalition's domains that it works "
                    "towards. A question that no initiative answers shows on the gaps page."),
        empty_text=_("The coalition's domains have no smart questions yet."),
        error_messages={"invalid_choice": _("Select smart questions from the list"),
                        "invalid_pk_value": _("Select smart questions from the list")},
    )
    links = LinksField(
        label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: the web address, then a space and a title if you like. For "
                    "example: https://www.ambridge.example/wifi Ambridge village wi-fi"),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, widget=forms.RadioSelect,
        initial=Visibility.PUBLIC,
        help_text=_("Coalitions work in the open, so initiatives are public. Make one private "
                    "only as an exception, for example before it is announced: then only "
                    "members of the coalition can see it."),
        error_messages={"required": _("Select who can see the initiative"),
                        "invalid_choice": _("Select who can see the initiative")},
    )

    def __init__(self, data=None, *, coalition: Coalition, initiative: Initiative | None = None,
                 **kwargs):
        if initiative is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(initiative)
        super().__init__(data, **kwargs)
        self.coalition = coalition
        self.initiative = initiative
        if initiative is not None:
            def already(name: str) -> Q:
                return Q(pk__in=getattr(initiative, name).all())
        else:
            def already(name: str) -> Q:
                return Q(pk__in=[])
        self.fields["lead_organisation"].queryset = Organisation.objects.order_by("name")
        sector_order = Case(*[When(sector=value, then=position)
                              for position, value in enumerate(Sector.values)])
        self.fields["partners"].queryset = Organisation.objects.order_by(sector_order, "name")
        self.fields["people"].queryset = Person.objects.filter(
            Q(memberships__coalition=coalition, memberships__status=Membership.Status.ACTIVE)
            | already("people")
        ).distinct().order_by("name")
        in_framework = (Q(domain__framework_id=coalition.framework_id)
                        if coalition.framework_id else Q(pk__in=[]))
        self.fields["subdomains"].queryset = SubDomain.objects.filter(
            in_framework | already("subdomains")
        ).select_related("domain").order_by("domain__position", "domain__name", "position",
                                            "name")
        self.fields["subdomains"].label_from_instance = lambda s: localised(s, "name")
        self.fields["smart_questions"].queryset = question_choices(coalition=coalition,
                                                                   initiative=initiative)
        self.fields["smart_questions"].label_from_instance = lambda q: localised(q, "text")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", ValidationError(
                _("End date must be the same as or after the start date"), code="before_start"))
        lead, partners = cleaned.get("lead_organisation"), cleaned.get("partners")
        if lead is not None and partners is not None:
            cleaned["partners"] = [org for org in partners if org.pk != lead.pk]
        return cleaned


def initial_from(initiative: Initiative) -> dict:
    """The form's starting values for an existing initiative."""
    return {
        "title": initiative.title,
        "description": initiative.description,
        "status": initiative.status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "lead_organisation": initiative.lead_organisation_id,
        "partners": [str(pk) for pk in initiative.partners.values_list("pk", flat=True)],
        "people": [str(pk) for pk in initiative.people.values_list("pk", flat=True)],
        "subdomains": [str(pk) for pk in initiative.subdomains.values_list("pk", flat=True)],
        "smart_questions": [str(pk) for pk in initiative.question_answers.values_list(
            "question_id", flat=True)],
        "links": format_links(initiative.links.all()),
        "visibility": initiative.visibility,
    }
