"""
Counts outside insights take their plural form (ngettext): 1 year / 2 years, 1 day / 2 days,
1 place / 2 places (insights has its own tests, smartplace/insights/tests/test_plurals.py).
"""

from decimal import Decimal

import pytest

from smartplace.accounts.forms import InvitationForm
from smartplace.initiatives.models import Evidence
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.instruments.charts import ChartPoint, strategy_execution_chart_svg


@pytest.mark.django_db
@pytest.mark.parametrize(("years", "shown", "not_shown"), [
    ("1", "1 year", "1 years"), ("2", "2 years", "2 year<"),
])
def test_an_initiatives_lifetime_says_year_or_years(client, years, shown, not_shown):
    """The initiative page's evidence says "1 year" and "2 years"."""
    initiative = InitiativeFactory()
    Evidence.objects.create(initiative=initiative, lifetime_years=Decimal(years),
                            emission_savings_tco2e=Decimal(years))
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert shown in html and not_shown not in html
    tonnes = "1 tonne CO2e a year" if years == "1" else "2 tonnes CO2e a year"
    assert tonnes in html


@pytest.mark.parametrize(("days", "text"), [(1, "It works for 1 day."),
                                            (2, "It works for 2 days.")])
def test_an_invitation_lasts_day_or_days(days, text):
    """The invitation form's hint takes the plural form of its number of days."""
    assert InvitationForm(days=days).fields["email"].help_text.endswith(text)


@pytest.mark.parametrize(("count", "text"), [(1, "Scatter chart of 1 place:"),
                                             (2, "Scatter chart of 2 places:")])
def test_the_chart_description_counts_place_or_places(count, text):
    """The chart's text description says "1 place" and "2 places"."""
    points = [ChartPoint(label=f"Borsetshire {n}", strategy="50", execution="40")
              for n in range(count)]
    assert text in strategy_execution_chart_svg(points=points)
