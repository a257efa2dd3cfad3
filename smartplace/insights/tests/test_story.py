"""The state of the place: the story page, its tagged PDF, and the embeddable wheel."""

import re
import zlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.models import Visibility
from smartplace.frameworks.tests.factories import DomainFactory, SubDomainFactory
from smartplace.initiatives.models import Evidence, Initiative
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.models_evidence import ChannelShift, Lesson, Reuse
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import MembershipFactory
from smartplace.rounds.services import Answer, rating_submit, round_close
from smartplace.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def _closed_round(coalition, levels, *, name, days_ago):
    """A round rated by three members at `levels` per sub-domain, closed `days_ago` days ago."""
    now = timezone.now()
    round_ = RoundFactory(coalition=coalition, name=name, min_raters=3,
                          opens_at=now - timedelta(days=days_ago + 10),
                          closes_at=now + timedelta(days=1))
    for _n in range(3):
        person = MembershipFactory(coalition=coalition,
                                   person__domains=list(coalition.framework.domains.all())).person
        rating_submit(round_=round_, person=person,
                      answers=[Answer(sub.pk, level, "medium") for sub, level in levels.items()])
    round_close(round_=round_, now=now - timedelta(days=days_ago))
    return round_


@pytest.fixture
def ambridge():
    """Two domains, two closed rounds, public and private evidence."""
    coalition = CoalitionFactory(name="Ambridge Digital", slug="ambridge")
    economy = DomainFactory(framework=coalition.framework, name="Economy", slug="economy")
    living = DomainFactory(framework=coalition.framework, name="Living", slug="living")
    skills = SubDomainFactory(domain=economy, name="Skills", slug="skills")
    housing = SubDomainFactory(domain=living, name="Housing", slug="housing")
    SubDomainFactory(domain=living, name="Health", slug="health")
    _closed_round(coalition, {skills: 1, housing: 2}, name="Spring 2025", days_ago=300)
    _closed_round(coalition, {skills: 3, housing: 2}, name="Spring 2026", days_ago=5)
    council = OrganisationFactory(name="Borsetshire Council")
    library = InitiativeFactory(coalition=coalition, title="Library renewals online",
                                subdomains=[skills], lead_organisation=council)
    Evidence.objects.create(initiative=library, annual_savings=Decimal("5000"),
                            capital_cost=Decimal("12000"))
    ChannelShift.objects.create(initiative=library, face_to_face_to_web=1000)
    Lesson.objects.create(initiative=library, text="Ask the librarians first.")
    secret = InitiativeFactory(coalition=coalition, title="Secret savings",
                               visibility=Visibility.PRIVATE, subdomains=[housing])
    Evidence.objects.create(initiative=secret, annual_savings=Decimal("999999"))
    return coalition


def _story(client, coalition, fmt=None):
    kwargs = {"slug": coalition.slug, **({"fmt": fmt} if fmt else {})}
    return client.get(reverse("insights:story", kwargs=kwargs))


def test_story_tells_the_state_of_the_place(client, ambridge):
    """Wheel, change since the last round, gaps, highlights and evidence all appear."""
    response = _story(client, ambridge)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert ('Comparing “<span dir="auto">Spring 2026</span>” with '
            '“<span dir="auto">Spring 2025</span>”') in html
    changed = html.split("Sub-domains whose median level changed")[1].split("</table>")[0]
    assert "Skills" in changed and "Housing" not in changed
    gaps = html.split('id="gaps"')[1].split('id="highlights"')[0]
    without_active = gaps.split("</ul>")[0]
    assert "Health" in without_active and "Housing" in without_active
    assert "Skills" not in without_active
    opportunities = gaps.split("The biggest opportunities")[1].split("</table>")[0]
    assert "Skills" in opportunities and "Little activity" in opportunities
    assert 'href="/coalitions/ambridge/gaps/"' in gaps
    assert "Library renewals online" in html
    assert "£5,000 a year, from 1 initiative" in html
    assert "£8,470" in html
    assert "Secret savings" not in html and "999,999" not in html
    assert "&lt;iframe src=" in html and "/coalitions/ambridge/embed/wheel/" in html


def test_story_twins_give_the_headline_figures(client, ambridge):
    """The JSON twin has the same figures, without private evidence."""
    data = _story(client, ambridge, "json").json()
    figures = {row["figure"]: row["value"] for row in data["rows"]}
    assert figures["recorded_annual_savings_gbp"] == "5000.00"
    assert figures["channel_shift_annual_saving_gbp"] == "8470.00"
    assert figures["initiatives"] == 1
    assert figures["latest_round"] == "Spring 2026"
    assert figures["items_median_changed"] == 1
    csv_text = b"".join(_story(client, ambridge, "csv").streaming_content).decode()
    assert csv_text.startswith("figure,value")


def test_story_counts_reuses_of_its_public_initiatives_by_public_ones(client, ambridge):
    """A public initiative anywhere that reused one of the coalition's public initiatives is
    counted; a reuse by or of a private initiative is not, nor one of another coalition's."""
    library = Initiative.objects.get(title="Library renewals online")
    secret = Initiative.objects.get(title="Secret savings")
    elsewhere = InitiativeFactory(title="Felpersham renewals")
    Reuse.objects.create(original=library, adopted_by=elsewhere)
    Reuse.objects.create(original=library, adopted_by=secret)
    Reuse.objects.create(original=secret, adopted_by=library)
    Reuse.objects.create(original=elsewhere,
                         adopted_by=InitiativeFactory(coalition=elsewhere.coalition))
    figures = {row["figure"]: row["value"] for row in _story(client, ambridge, "json").json()[
        "rows"]}
    assert figures["reuses"] == 1


def _expand(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to read its structure."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _pdf_titles(expanded: bytes) -> list[str]:
    """The /Title strings (document title, bookmarks) the PDF holds, decoded."""
    found = []
    for literal, hexa in re.findall(rb"/Title\s*(?:\(((?:[^()\\]|\\.)*)\)|<feff([0-9a-f]+)>)",
                                    expanded):
        found.append(bytes.fromhex(hexa.decode()).decode("utf-16-be") if hexa
                     else literal.decode("latin-1"))
    return found


def test_story_pdf_is_tagged_and_names_the_coalition(client, ambridge):
    """The PDF is PDF/UA tagged, has its language and title, and the coalition's name."""
    response = client.get(reverse("insights:story_pdf", kwargs={"slug": "ambridge"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-1.7")
    expanded = _expand(pdf)
    assert b"/StructTreeRoot" in expanded
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true", expanded)
    assert re.search(rb"/Lang \((en|en-gb)\)", expanded)
    assert b"pdfuaid:part" in expanded
    titles = _pdf_titles(expanded)
    assert "The state of the place: Ambridge Digital" in titles
    assert "Initiatives added since “Spring 2025” closed" in titles  # a bookmark (h3)
    assert b"Ambridge Digital" in expanded  # the XMP title
    for tag in (b"/S /H1", b"/S /H2", b"/S /Table", b"/S /Figure"):
        assert tag in expanded, tag


def test_embed_page_may_be_framed_and_shows_the_wheel(client, ambridge):
    """The embed page has the wheel, no X-Frame-Options, and frame-ancestors allowed."""
    response = client.get(reverse("insights:embed_wheel", kwargs={"slug": "ambridge"}))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = response.get("Content-Security-Policy", "")
    assert "frame-ancestors *" in policy or not policy
    html = response.content.decode()
    assert "<svg" in html and "Spring 2026" in html
    story_page = _story(client, ambridge)
    assert story_page["X-Frame-Options"] == "DENY"


def test_embed_page_is_styled_by_the_sites_stylesheet_without_inline_styles(client, ambridge):
    """The embed page links the site's stylesheet (same origin, allowed by `style-src
    'self'`) and uses GOV.UK typography classes, with no inline `style` (blocked by the
    policy): its caption is not left in the browser's default serif."""
    response = client.get(reverse("insights:embed_wheel", kwargs={"slug": "ambridge"}))
    html = response.content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/dist/app\.css', html)
    assert 'class="govuk-template__body' in html and 'class="govuk-body-s' in html
    assert 'class="govuk-link" href="http://testserver/coalitions/ambridge/story/"' in html
    assert not re.search(r"<[^>]+\sstyle\s*=", html) and "<style" not in html
    policy = response.get("Content-Security-Policy", "")
    assert "'unsafe-inline'" not in policy.split("style-src")[-1].split(";")[0]


@pytest.mark.parametrize("setup", ["empty", "one_domain", "no_framework", "messy"])
def test_story_pdf_and_embed_render_for_awkward_coalitions(client, setup):
    """Empty, one-domain, framework-less and messy coalitions get sensible messages."""
    coalition = CoalitionFactory(framework=None) if setup == "no_framework" else (
        CoalitionFactory())
    if setup == "one_domain":
        sub = SubDomainFactory(domain=DomainFactory(framework=coalition.framework))
        InitiativeFactory(coalition=coalition, subdomains=[sub], description="")
    if setup == "messy":
        domain = DomainFactory(framework=coalition.framework, name="Économie ♥ Cymraeg")
        sub = SubDomainFactory(domain=domain, name="Sgiliau digidol " * 12)
        InitiativeFactory(coalition=coalition, subdomains=[sub], title="Llyfrgell " * 30,
                          description="Disgrifiad hir iawn. " * 500,
                          status=Initiative.Status.ACTIVE)
        Evidence.objects.create(initiative=coalition.initiatives.get(),
                                annual_savings=Decimal("1"))
    html = _story(client, coalition).content.decode()
    assert "The state of the place" in html
    if setup in ("empty", "no_framework"):
        assert "there is no story to tell yet" in html
    assert "No fitness round has closed yet" in html
    assert "There is nothing to compare until a fitness round has closed." in html
    pdf = client.get(reverse("insights:story_pdf", kwargs={"slug": coalition.slug}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    embed = client.get(reverse("insights:embed_wheel", kwargs={"slug": coalition.slug}))
    assert "has not published a fitness round yet" in embed.content.decode()


def test_unknown_coalition_is_not_found(client):
    """Story, PDF and embed 404 for a coalition that does not exist."""
    for name in ("story", "story_pdf", "embed_wheel"):
        assert client.get(reverse(f"insights:{name}",
                                  kwargs={"slug": "nowhere"})).status_code == 404


def test_story_pdf_is_made_once_until_the_story_changes(client, monkeypatch):
    """The same story is served from the cache; a change to it makes a new PDF."""
    import weasyprint

    made = []
    real = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        made.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    coalition = CoalitionFactory(name="Penny Hassett Digital")
    address = reverse("insights:story_pdf", kwargs={"slug": coalition.slug})
    first = client.get(address).content
    assert client.get(address).content == first
    assert len(made) == 1
    InitiativeFactory(coalition=coalition, title="Penny Hassett wifi")
    assert client.get(address).content != first
    assert len(made) == 2


@pytest.mark.parametrize("mean, published", [(1 / 3, "0.33"), (0.125, "0.13"),
                                             (-0.1 - 0.2, "-0.30")])
def test_mean_consensus_change_is_rounded_alike_on_the_page_and_in_the_twins(
        client, ambridge, monkeypatch, mean, published):
    """The mean change in consensus is rounded half up to 2 places in HTML, JSON and CSV."""
    from smartplace.insights import story as story_module

    real = story_module.consensus_change_summary

    def summary(changes):
        return {**real(changes), "items_compared": 2, "mean_change": mean}

    monkeypatch.setattr(story_module, "consensus_change_summary", summary)
    html = _story(client, ambridge).content.decode()
    assert f"(mean change {published})" in html
    figures = {row["figure"]: row["value"] for row in _story(client, ambridge, "json").json()
               ["rows"]}
    assert figures["mean_consensus_change"] == published
    csv_text = b"".join(_story(client, ambridge, "csv").streaming_content).decode()
    assert f"mean_consensus_change,{published}\r\n" in csv_text


def test_story_pdf_is_made_for_chinese_japanese_korean_and_arabic_records(client):
    """Records in scripts the server may have no font for still give a PDF (docs: fonts)."""
    coalition = CoalitionFactory(name="谢菲尔德 数字联盟")
    domain = DomainFactory(framework=coalition.framework, name="الاقتصاد")
    sub = SubDomainFactory(domain=domain, name="デジタル技能")
    initiative = InitiativeFactory(coalition=coalition, subdomains=[sub],
                                   status=Initiative.Status.ACTIVE,
                                   title="도서관 디지털 교실 مكتبة رقمية",
                                   description="市民のためのデジタル講座。 دروس رقمية للجميع.")
    Lesson.objects.create(initiative=initiative, text="先从小处做起。 ابدأ صغيرا.")
    response = client.get(reverse("insights:story_pdf", kwargs={"slug": coalition.slug}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = _story(client, coalition).content.decode()
    assert "도서관 디지털 교실 مكتبة رقمية" in html
