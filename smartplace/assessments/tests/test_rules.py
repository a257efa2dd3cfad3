"""The permission table in docs/assessments.md, checked cell by cell against the rules."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from smartplace.assessments.models import ReviewAssignment, Stage
from smartplace.assessments.tests.factories import CycleFactory, ParticipantFactory
from smartplace.people.tests.factories import MembershipFactory, UserFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "assessments.md"
STAGES = {Stage(s).label.lower(): s for s in Stage.values}


def read_table() -> tuple[list[str], list[tuple[str, str, dict[str, bool]]]]:
    """The actors (column names) and rows (permission, object, {actor: allowed})."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| permission | object |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    actors = header[2:]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), f"Wrong number of cells in: {line}"
        assert set(cells[2:]) <= {"yes", "no"}, f"Cells must be yes or no: {line}"
        rows.append((cells[0].strip("`"), cells[1],
                     dict(zip(actors, (c == "yes" for c in cells[2:]), strict=True))))
    return actors, rows


ACTORS, ROWS = read_table()


@pytest.fixture
def world(db):
    """A cycle, Ambridge's participation in it, and one user per column of the table."""
    cycle = CycleFactory()
    ambridge = ParticipantFactory(cycle=cycle)
    other = ParticipantFactory(cycle=cycle)
    users = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "member": MembershipFactory(organisation=ambridge.organisation).person.user,
        "reviewer": UserFactory(),
        "other reviewer": UserFactory(),
        "coordinator": UserFactory(),
        "other coordinator": UserFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    ReviewAssignment.objects.create(participant=ambridge, reviewer=users["reviewer"],
                                    organisation=ambridge.organisation)
    ReviewAssignment.objects.create(participant=other, reviewer=users["other reviewer"],
                                    organisation=other.organisation)
    cycle.coordinators.add(users["coordinator"])
    CycleFactory(instrument=cycle.instrument).coordinators.add(users["other coordinator"])
    return {"users": users, "cycle": cycle, "participant": ambridge}


def test_the_table_covers_every_permission():
    """The table names the eight kinds of people, every permission the assessment rules
    define, and making a release of a cycle's data."""
    assert ACTORS == ["anonymous", "outsider", "member", "reviewer", "other reviewer",
                      "coordinator", "other coordinator", "superuser"]
    assert {row[0] for row in ROWS} == {
        "assessments.manage_cycle", "assessments.view_participant",
        "assessments.answer_participant", "assessments.review_participant",
        "assessments.reply_participant", "assessments.audit_participant",
        "assessments.move_participant", "opendata.make_release"}


@pytest.mark.parametrize(("permission", "obj", "expected"), ROWS,
                         ids=[f"{p}-{o}" for p, o, _e in ROWS])
def test_rules_match_the_documented_table(world, permission, obj, expected):
    """Each cell of docs/assessments.md is what user.has_perm answers."""
    if obj == "cycle":
        target = world["cycle"]
    else:
        target = world["participant"]
        target.stage = STAGES[obj.removeprefix("participant at ")]
    answers = {actor: world["users"][actor].has_perm(permission, target) for actor in ACTORS}
    assert answers == expected


def test_a_respondent_is_a_member(world):
    """Someone named as a respondent answers for the organisation like a member."""
    respondent = UserFactory()
    participant = world["participant"]
    participant.respondents.add(respondent)
    participant.stage = Stage.SELF_ASSESSMENT
    assert respondent.has_perm("assessments.answer_participant", participant) is True
    assert respondent.has_perm("assessments.review_participant", participant) is False
