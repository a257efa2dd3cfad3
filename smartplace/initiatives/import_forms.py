"""The form coordinators use to import a file of initiatives from the web."""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from smartplace.accounts.uploads import megabytes, validate_upload
from smartplace.initiatives.importers import PROFILE_DIR

#: The columns of smartplace's import format, as the import page lists them (the full rules are
#: in docs/initiative-import.md; a test keeps this list and importers.columns.COLUMNS in step).
COLUMN_HELP = (
    ("title", _("Required. The initiative’s name, at most 300 characters.")),
    ("description", _("What it is and does.")),
    ("status", _("idea, planned, active, completed or stopped; blank means active.")),
    ("start_date", _("When it started: 2024-03-31, 31/03/2024, 2024-03 or 2024.")),
    ("end_date", _("When it ended or will end, in the same forms; not before the start.")),
    ("lead_organisation", _("The organisation leading it, by name or identifier.")),
    ("partners", _("Organisations working with the lead, separated by semicolons.")),
    ("subdomains", _("The sub-domains of the coalition’s framework it serves, separated by "
                     "semicolons.")),
    ("links", _("Web addresses about it, separated by semicolons.")),
    ("visibility", _("public (the default) or private (coalition members only).")),
    ("external_id", _("Its identifier in your own records, to recognise it on a later "
                      "import.")),
    ("capital_cost", _("One-off cost in pounds.")),
    ("annual_cost", _("Running cost a year in pounds.")),
    ("annual_savings", _("Savings a year in pounds (negative if it cost more).")),
    ("lifetime_years", _("How many years the savings last.")),
    ("emission_savings_tco2e", _("Tonnes of CO₂ equivalent saved a year.")),
    ("funding_source", _("Who paid.")),
    ("measurement", _("How the savings were measured, e.g. Estimated or Actual.")),
    ("notes", _("Anything else about the evidence.")),
)

#: The value of the "format" choice for a file in smartplace's own import format.
OWN_FORMAT = "smartplace"


def profile_choices() -> list[tuple[str, str]]:
    """Our own format first, then each import profile bundled in PROFILE_DIR, by name. Only
    these can be chosen: a profile cannot be given as a path from the web."""
    bundled = sorted(path.stem for path in PROFILE_DIR.glob("*.json"))
    return [(OWN_FORMAT, _("smartplace’s import format (the columns are listed above)")),
            *((name, _("%(name)s (an import profile)") % {"name": name}) for name in bundled)]


class InitiativeImportForm(forms.Form):
    """A CSV file (size and type checked before it is read), its format, and whether only to
    check it."""

    file = forms.FileField(
        label=_("Upload a CSV file"),
        validators=[partial(validate_upload, kinds=("csv",))],
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Select a CSV file of initiatives"),
                        "empty": _("The selected file is empty")},
    )
    profile = forms.ChoiceField(
        label=_("Format of the file"), widget=forms.RadioSelect, initial=OWN_FORMAT,
        error_messages={"required": _("Select the format of the file"),
                        "invalid_choice": _("Select one of the formats listed")},
    )
    check_only = forms.BooleanField(
        label=_("Only check the file: say what would change and write nothing"),
        required=False)

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profile_choices()
        self.fields["file"].help_text = _(
            "UTF-8, UTF-16 or Windows-1252 text with a header row, smaller than %(limit)s") % {
            "limit": megabytes(max_bytes)}

    def profile_name(self) -> str | None:
        """The import profile to read the file through, or None for our own format."""
        name = self.cleaned_data["profile"]
        return None if name == OWN_FORMAT else name
