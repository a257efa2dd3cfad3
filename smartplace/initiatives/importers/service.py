"""
`initiatives_import`: read a CSV file of initiatives, check every row, and write all of them in
one transaction or none at all. The file format is documented in docs/initiative-import.md.

The steps live beside it: `rows` checks each row, `existing` finds duplicates and the initiatives
rows update, `writing` writes the plans.
"""

from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.models import Initiative

from .columns import REQUIRED
from .existing import check_duplicates, existing_state, match_existing
from .matching import OrganisationIndex, SubDomainIndex
from .profiles import Binding, Profile, identity_profile, profile_load
from .reading import FileRejected, Record, decode, read_records
from .report import ImportReport, InitiativeImportError, RowError
from .rows import check_rows
from .writing import Writer

SOURCE_MAX = Initiative._meta.get_field("source").max_length


def _present(profile: Profile) -> set[str]:
    return set(profile.columns)


def initiatives_import(*, path: Path, coalition: Coalition, dry_run: bool = False,
                       profile: str | None = None, source: str = "") -> ImportReport:
    """
    Import the initiatives in the CSV file at `path` into `coalition`, all or nothing.

    The file is in the documented import format, or in a foreign format that the import
    profile named `profile` maps onto it. Every row is checked first; if any is bad, nothing is
    written and InitiativeImportError lists every problem with its line and column. Otherwise,
    in one transaction: rows matching an initiative already in the coalition (by `external_id`,
    else by title, lead organisation and start date) update it; the others create initiatives
    with slugs unique in the coalition; councils found only in the places register become
    organisations. `source` (default: the file's name) is recorded on each initiative. With
    `dry_run` nothing is written and the report says what would happen. Raises ProfileError for
    an unknown or malformed profile and OSError if the file cannot be read.
    """
    path = Path(path)
    loaded = profile_load(profile) if profile else None
    data = path.read_bytes()
    try:
        text, encoding = decode(data)
        header, records, errors = read_records(text)
    except FileRejected as rejected:
        raise InitiativeImportError([rejected.error]) from None
    used = loaded or identity_profile(header)
    binding = Binding(used, header, native=loaded is None)
    errors += binding.errors
    if loaded is None:
        for column in REQUIRED:
            if column not in used.columns:
                errors.append(RowError(header.line, column, _("missing required column")))
    if not records and not errors:
        errors.append(RowError(header.line + 1, "", _(
            "the file has a header but no initiatives")))
    if binding.fatal or (loaded is None and "title" not in used.columns):
        # Without a usable header the rows cannot be read meaningfully.
        raise InitiativeImportError(errors, encoding=encoding)
    report = ImportReport(path=str(path), encoding=encoding, profile=used.name,
                          dry_run=dry_run, rows=len(records))
    source = (source or path.name)[:SOURCE_MAX]
    try:
        with transaction.atomic():
            _import_checked(coalition, records, binding, used, errors, encoding, report, source,
                            dry_run)
    except IntegrityError as error:
        raise InitiativeImportError([RowError(header.line, "", _(
            "the coalition's initiatives or the organisations changed while this import was "
            "running (another import at the same time?), so nothing was written; run it "
            "again (%(error)s)") % {"error": error})], encoding=encoding) from error
    return report


def _import_checked(coalition: Coalition, records: list[Record], binding: Binding,
                    used: Profile, errors: list[RowError], encoding: str, report: ImportReport,
                    source: str, dry_run: bool) -> None:
    """Check every row and, if all are good and this is not a dry run, write them."""
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)
    orgs = OrganisationIndex()
    subdomains = SubDomainIndex(coalition.framework_id)
    plans = check_rows(records, binding, used, orgs, subdomains, errors)
    origin = {target: binding.column_name(spec.source or target)
              for target, spec in used.columns.items()}
    check_duplicates(plans, errors, origin)
    if errors:
        raise InitiativeImportError(errors, encoding=encoding)
    state = existing_state(coalition)
    match_existing(plans, state)
    Writer(coalition, plans, state, orgs, source, dry_run, report).run(_present(used))
