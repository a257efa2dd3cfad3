"""Commands (import-answers, publish-cycle) and the demo cycles."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from smartplace.assessments.demo import COUNCILS, assessments_load_demo, demo_answer
from smartplace.assessments.models import Answer, AnswerHistory, Cycle, Stage
from smartplace.assessments.results import cycle_results
from smartplace.assessments.tests.factories import WORKED_EXAMPLE, CycleFactory
from smartplace.organisations.tests.factories import OrganisationFactory


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_answers_command_imports_then_changes_nothing():
    """The command imports, then reports everything unchanged on a second run."""
    cycle = CycleFactory(slug="borsetshire-2026")
    OrganisationFactory(slug="ambridge")
    OrganisationFactory(slug="borsetshire")
    args = ("import_answers", "--cycle", "borsetshire-2026", str(WORKED_EXAMPLE / "answers.csv"),
            "--organisations", str(WORKED_EXAMPLE / "organisations.csv"))
    out, _err = run(*args)
    assert out.splitlines()[0] == "20 answers created, 0 changed, 1 unchanged"
    out, _err = run(*args)
    assert out.splitlines()[0] == "0 answers created, 0 changed, 21 unchanged"
    assert cycle.participants.count() == 2


@pytest.mark.django_db
def test_import_answers_command_reports_problems_on_standard_error(tmp_path):
    """A bad file: each problem on standard error with its line, and nothing imported."""
    CycleFactory(slug="borsetshire-2026")
    OrganisationFactory(slug="ambridge")
    OrganisationFactory(slug="borsetshire")
    path = tmp_path / "answers.csv"
    path.write_text("organisation,question,answer\nambridge,L1,maybe\nambridge,Q0,yes\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported \(2 problems\)"):
        call_command("import_answers", "--cycle", "borsetshire-2026", str(path),
                     "--organisations", str(WORKED_EXAMPLE / "organisations.csv"),
                     stdout=io.StringIO(), stderr=err)
    assert "line 2, column 'answer'" in err.getvalue()
    assert "line 3, column 'question'" in err.getvalue()
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_publish_cycle_command_names_unfinished_organisations():
    """publish-cycle refuses while an organisation is before audit, naming it."""
    cycle = CycleFactory(slug="borsetshire-2026")
    from smartplace.assessments.tests.factories import ParticipantFactory

    participant = ParticipantFactory(cycle=cycle, organisation__name="Ambridge District Council")
    err = io.StringIO()
    with pytest.raises(CommandError, match="not published"):
        call_command("publish_cycle", "borsetshire-2026", stdout=io.StringIO(), stderr=err)
    assert "Ambridge District Council is still at the self-assessment stage." in err.getvalue()
    participant.stage = Stage.AUDIT
    participant.save()
    out, _err = run("publish_cycle", "borsetshire-2026")
    assert out.startswith("published borsetshire-2026")


@pytest.mark.django_db
def test_demo_cycles_are_published_named_and_repeatable():
    """The demo has two published cycles and one in review, for twelve councils; a second run
    changes nothing."""
    cycles = assessments_load_demo()
    assert [c.status for c in cycles] == [Cycle.Status.PUBLISHED, Cycle.Status.PUBLISHED,
                                          Cycle.Status.OPEN]
    assert all(c.is_demo for c in cycles)
    assert cycles[1].previous == cycles[0]
    results = cycle_results(cycle=cycles[1])
    assert len(results.participants) == len(COUNCILS)
    assert {g.label for g in results.league} == {"Yorkshire and The Humber", "North West"}
    assert len(results.changes) == len(COUNCILS)
    stages = set(cycles[2].participants.values_list("stage", flat=True))
    assert stages == {Stage.SELF_ASSESSMENT, Stage.REVIEW}
    history = AnswerHistory.objects.count()
    assessments_load_demo()
    assert AnswerHistory.objects.count() == history
    assert Cycle.objects.count() == 3


def test_demo_answers_are_deterministic():
    """The generated answers depend only on the council, year and question."""
    first = [demo_answer(council=c, year=2026, question="LG01", level=1) for c in COUNCILS]
    again = [demo_answer(council=c, year=2026, question="LG01", level=1) for c in COUNCILS]
    assert first == again
    assert set(first) <= {"yes", "no"}


@pytest.mark.django_db
def test_demo_pages_say_they_are_demo_data(client):
    """Every public page of a demo cycle answers and says the data is generated."""
    cycles = assessments_load_demo()
    published = cycles[1]
    results = cycle_results(cycle=published)
    first = results.participants[0]
    group = results.league[0]
    for url in (f"/assessments/{published.slug}/", f"/assessments/{published.slug}/index/",
                f"/assessments/{published.slug}/groups/{group.slug}/",
                f"/assessments/{published.slug}/{first.organisation.slug}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Demo data" in response.content.decode(), url
    # The open cycle has no public page.
    assert client.get(f"/assessments/{cycles[2].slug}/").status_code == 404
