"""
Enumerate every route of the URL configuration, fill its parameters from the fixture world and
fetch it (the pages of i18n_patterns in Welsh too, under /cy/); decode what comes back (HTML,
JSON, CSV, zip archives, SQLite files) into text.
"""

from __future__ import annotations

import io
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern
from django.utils import translation

from tests.privacy import world as w

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")

#: Routes not requested, with the reason. Everything else registered must be requested.
EXCLUDED_PREFIXES = {
    "admin/": "Django admin: every page requires a staff user; the test requests admin/ and one "
              "model list anonymously instead (test_admin_needs_staff).",
}

#: Routes that need someone signed in (forms, account pages, coordinators' pages): anonymous
#: requests get a redirect to sign in, 401, 403, 404 or 405 — never a page.
NEEDS_SIGN_IN = {
    "accounts:data_download", "accounts:erase", "accounts:invite", "accounts:audit",
    "people:account", "people:membership_requests",
    "coalitions:initiative_create", "coalitions:initiative_edit", "coalitions:initiative_import",
    "coalitions:join",
    "coalitions:leave", "coalitions:question_propose", "coalitions:question_support",
    "coalitions:question_decide",
    "rounds:round_create", "rounds:round_close", "rounds:rate_start", "rounds:rate_check",
    "rounds:rate_done", "rounds:rate_domain",
    "assessments:yours", "assessments:progress", "assessments:publish",
    "assessments:participant_home", "assessments:history", "assessments:reply",
    "assessments:move", "assessments:answer_section",
    "api-v1:participant_answers_get", "api-v1:participant_answers_put",
    "api-tokens:token_list", "api-tokens:token_revoke", "api-v1:me", "api-v1:rating_list_mine",
    "insights:curation", "insights:initiative_confirm", "insights:evidence_edit",
    "insights:evidence_figures", "insights:evidence_channel_shift", "insights:evidence_add",
    "insights:evidence_remove", "insights:overlap_dismiss", "insights:overlap_undismiss",
    "opendata:release_make",
    "account_change_password", "account_set_password", "account_email", "mfa_index",
    "mfa_activate_totp", "mfa_deactivate_totp", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "socialaccount_connections",
    "account_reauthenticate", "mfa_reauthenticate",
}


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "coalitions/<slug:slug>/"
    name: str
    params: tuple[str, ...]
    is_regex: bool
    i18n: bool = False  # in i18n_patterns: also under /cy/

    def fill(self, values: dict[str, str]) -> str:
        if self.is_regex:
            text = REGEX_PARAM.sub(lambda m: values[m["name"]], self.route)
            return "/" + text.replace("^", "").replace("$", "")
        return "/" + ROUTE_PARAM.sub(lambda m: values[m["name"]], self.route)

    @property
    def segment(self) -> str:
        """The first literal segment (after api/v1/): which kind of object `slug` means."""
        rest = self.route.removeprefix("api/v1/")
        return rest.split("/", 1)[0].split(".", 1)[0]


def routes() -> list[Route]:
    """Every URL pattern of the project, resolvers walked recursively."""
    found = []

    def walk(resolver, prefix, namespace, i18n=False):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), ns,
                     i18n or isinstance(entry.pattern, LocalePrefixPattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                is_regex = isinstance(entry.pattern, RegexPattern) or "(?P<" in route
                params = tuple(m["name"] for m in (REGEX_PARAM if is_regex else ROUTE_PARAM)
                               .finditer(route))
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (
                    entry.name or "")
                found.append(Route(route=route, name=name, params=params, is_regex=is_regex,
                                   i18n=i18n))

    # The Welsh pages' prefix ("cy/") is the active language's: walk in the default language, so
    # the routes read the same whichever language an earlier test left active.
    with translation.override(settings.LANGUAGE_CODE):
        walk(get_resolver(), "", None)
    return found


def excluded(route: Route) -> str | None:
    return next((reason for prefix, reason in EXCLUDED_PREFIXES.items()
                 if route.route.startswith(prefix)), None)


def contexts(world: w.World) -> dict[str, list[tuple[dict[str, str], bool]]]:
    """
    Per first segment: parameter sets (and whether they name a private object, whose own
    addresses must not give a page).
    """
    from smartplace.opendata.models import DataRelease

    c = world.coalition
    domain = world.private_initiative.subdomains.first().domain
    subdomain = world.private_initiative.subdomains.first()
    last_domain = c.framework.domains.order_by("-position").first()
    base = {"slug": c.slug, "domain": domain.slug, "subdomain": subdomain.slug,
            "initiative": world.public_initiative.slug, "round": world.closed_round.slug,
            "kind": "outcome", "pk": "1", "question": str(world.proposed_question.pk)}
    coalitions = [(base, False),
                  ({**base, "question": str(world.declined_question.pk)}, True),
                  ({**base, "initiative": world.private_initiative.slug}, True),
                  ({**base, "round": world.open_round.slug}, False),
                  ({**base, "domain": last_domain.slug,
                    "subdomain": last_domain.subdomains.first().slug}, False)]
    coalitions += [({**base, "kind": kind}, False)
                   for kind in ("lesson", "asset", "reuse", "channel-shift")]
    coalitions += [({**base, "initiative": world.private_initiative.slug, "kind": kind}, True)
                   for kind in ("outcome", "lesson", "asset", "reuse", "channel-shift")]

    organisation = world.private_initiative.lead_organisation
    participant_org = world.sentinel_cycles[0].participants.first().organisation
    organisations = [({"slug": organisation.slug}, False),
                     ({"slug": participant_org.slug}, False)]
    places = [({"code": c.place.gss_code}, False)]
    if participant_org.place_id:
        places.append(({"code": participant_org.place.gss_code}, False))
    frameworks = [({"slug": c.framework.slug, "version": c.framework.version}, False)]
    if c.framework.copied_from_id:
        source = c.framework.copied_from
        frameworks.append(({"slug": source.slug, "version": source.version}, False))
    instrument = world.cycles[0].instrument
    instruments = [({"slug": instrument.slug, "version": instrument.version}, False),
                   ({"instrument": instrument.slug, "version": instrument.version}, False)]

    assessments = []
    for cycle in [*world.cycles, *world.sentinel_cycles]:
        private = cycle in world.sentinel_cycles
        section = cycle.instrument.sections.order_by("position").first()
        for group in w.group_slugs(cycle):
            for participant in cycle.participants.select_related("organisation")[:2]:
                assessments.append(({"cycle": cycle.slug, "group": group,
                                     "organisation": participant.organisation.slug,
                                     "section": section.code}, private))
    # API v1 /cycles/…: every cycle with two of its organisations; the sentinels and any cycle
    # not public are private.
    cycles = [({"cycle": cycle.slug, "organisation": participant.organisation.slug},
               cycle in world.sentinel_cycles or not cycle.is_public)
              for cycle in [*world.cycles, *world.sentinel_cycles]
              for participant in cycle.participants.select_related("organisation")[:2]]

    data = []
    for release in DataRelease.objects.filter(kind="coalitions", key=c.slug):
        for version in ("latest", release.version):
            for entry in release.files:
                data.append(({"kind": "coalitions", "key": c.slug, "version": version,
                              "name": entry["name"]}, False))
    data += cycle_data(world)
    return {
        "coalitions": coalitions, "organisations": organisations, "places": places,
        "frameworks": frameworks, "instruments": instruments, "assessments": assessments,
        "cycles": cycles,
        "data": data,
        "account": [({"pk": str(world.token_pk)}, False)],
        "invitations": [({"token": "not-a-real-invitation-token"}, False)],
        "accounts": [({"uidb36": "1", "key": "not-a-key", "provider_id": "entra"}, False)],
    }


def cycle_data(world: w.World) -> list[tuple[dict[str, str], bool]]:
    """
    /data/cycles/… parameters: every file of each public cycle's latest package and of its
    releases; the same files of the sentinel (unpublished, private) cycles, which are private.
    """
    from django.utils import timezone

    from smartplace.opendata.models import DataRelease
    from smartplace.opendata.registry import dataset_kinds

    module = dataset_kinds()["cycles"]
    data, names = [], set()
    for cycle in (c for c in world.cycles if c.is_public):
        package = module.package_build(cycle, absolute=str, version="latest",
                                       created=timezone.now())
        files = [name for name, _chunks in package.files()]
        names.update(files)
        releases = DataRelease.objects.filter(kind="cycles", key=cycle.slug)
        for version in ["latest", *releases.values_list("version", flat=True)]:
            data += [({"kind": "cycles", "key": cycle.slug, "version": version, "name": name},
                      False) for name in files]
    data += [({"kind": "cycles", "key": cycle.slug, "version": "latest", "name": name}, True)
             for cycle in world.sentinel_cycles for name in sorted(names)]
    return data


def urls_for(route: Route, ctx: dict) -> list[tuple[str, bool]]:
    """The addresses to request for `route`, each with whether it names a private object."""
    params = [p for p in route.params if p != "fmt"]
    if not params:
        filled = [({}, False)]
    else:
        seen: dict[tuple, bool] = {}
        for values, private in ctx.get(route.segment, []):
            if all(p in values for p in params):
                key = tuple((p, values[p]) for p in params)
                seen[key] = seen.get(key, True) and private
        filled = [(dict(key), private) for key, private in seen.items()]
    urls = []
    for values, private in filled:
        for fmt in (["json", "csv"] if "fmt" in route.params else [None]):
            urls.append((route.fill({**values, **({"fmt": fmt} if fmt else {})}), private))
    return urls


#: The Welsh pages' prefix (docs/translation.md).
WELSH = "/cy"


def welsh(route: Route) -> bool:
    """
    Whether `route` is requested in Welsh too: every route of i18n_patterns except the
    .json/.csv twins and CSV downloads, whose rows are the same in either language (only the
    title and labels are translated), which halves what Welsh adds to the crawl. Pages,
    pictures (wheel SVGs, the network, the story PDF), the feed and the sign-in and account
    pages render templates and names in the page's language, so they are requested (the open
    data pages and the API tokens page among them). The API and its documentation page, the
    admin, allauth's other addresses and the data downloads under /data/ have no Welsh
    addresses.
    """
    return route.i18n and "fmt" not in route.params and not route.route.endswith(".csv")


def addresses(route: Route, ctx: dict) -> list[tuple[str, bool]]:
    """`urls_for(route, ctx)`, and the Welsh address of each when `welsh(route)`."""
    urls = urls_for(route, ctx)
    if welsh(route):
        urls += [(WELSH + url, private) for url, private in urls]
    return urls


#: Routes that count initiatives or draw them ("counts and pictures"): the privacy test reads
#: each with the private initiatives present and deleted, and they must be the same; a count
#: is a number, which no marker can catch. `DEPENDS` are the ones a private initiative would
#: change were the gate removed (the test checks that, so the comparison proves something); the
#: others (the home page; the wheels, drawn from ratings; places; round lists and trends; the
#: data pages) show no initiative counts now and are compared in case they come to.
COUNT_ROUTES = {
    "core:home", "coalitions:coalition_list", "coalitions:coalition_detail",
    "coalitions:domain_detail", "coalitions:subdomain_detail",
    "coalitions:coalition_organisation_list", "coalitions:initiative_list",
    "coalitions:initiative_feed", "organisations:organisation_list",
    "organisations:organisation_detail", "places:place_list", "places:place_detail",
    "insights:gaps", "insights:network", "insights:overlaps", "insights:story",
    "insights:story_pdf", "insights:embed_wheel", "rounds:coalition_wheel", "rounds:round_wheel",
    "rounds:round_detail", "rounds:round_list", "rounds:round_trends",
    "api-v1:coalition_list", "api-v1:coalition_get", "api-v1:coalition_organisations",
    "api-v1:initiative_list", "api-v1:organisation_list", "api-v1:organisation_get",
    "api-v1:round_list", "api-v1:round_detail", "api-v1:place_get",
    "opendata:data_home", "opendata:dataset_detail", "opendata-files:catalogue", "sitemap",
}
DEPENDS = COUNT_ROUTES - {
    "core:home", "insights:embed_wheel", "rounds:coalition_wheel", "rounds:round_wheel",
    "rounds:round_list", "rounds:round_trends", "places:place_list", "places:place_detail",
    "api-v1:place_get", "api-v1:round_list", "opendata:data_home", "opendata:dataset_detail",
    "opendata-files:catalogue",
}
NONCE = re.compile(r"""(nonce=["']|'nonce-)[^"']*""")


def count_surfaces(world: w.World) -> dict[str, str]:
    """The public addresses of COUNT_ROUTES (English: the selection is the same in Welsh), with
    their route names."""
    context = contexts(world)
    return {url: route.name for route in routes() if route.name in COUNT_ROUTES
            for url, private in urls_for(route, context) if not private}


def comparable(response) -> str:
    """`body_text` without what changes on every response (the content security nonce)."""
    return NONCE.sub(r"\1", body_text(response))


def body_text(response) -> str:
    """Everything a response says, headers included, decoded; archives and databases opened."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return headers + "\n" + decode(content)


def decode(content: bytes) -> str:
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(f"== {name}\n" + decode(archive.read(name))
                             for name in archive.namelist())
    if content.startswith(b"SQLite format 3\x00"):
        with tempfile.NamedTemporaryFile(suffix=".sqlite") as handle:
            handle.write(content)
            handle.flush()
            connection = sqlite3.connect(handle.name)
            try:
                return "\n".join(connection.iterdump())
            finally:
                connection.close()
    return content.decode("utf-8", "replace")


def leaks(text: str, address: str = "") -> list[str]:
    """
    The markers in `text`, the response to `address`; a marker that is in the address itself
    (a private object's slug) is not counted: pages repeat their own address (links to sign
    in, to the Welsh page), which reveals nothing the request did not say.
    """
    upper, asked = text.upper(), address.upper()
    return [marker for marker in w.MARKERS if marker in upper and marker not in asked]
