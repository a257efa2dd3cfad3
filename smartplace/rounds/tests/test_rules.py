"""The permission table in docs/rounds.md, checked cell by cell against the rules."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.frameworks.tests.factories import DomainFactory
from smartplace.people.models import Membership
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PersonFactory,
    RequestedMembershipFactory,
    UserFactory,
)
from smartplace.rounds.models import Round
from smartplace.rounds.rules import eligible_domain_ids
from smartplace.rounds.tests.factories import RoundFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "rounds.md"


def read_table():
    """The actors and rows (permission, object, {actor: allowed}) of the table."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| permission | object |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), f"Wrong number of cells in: {line}"
        assert set(cells[2:]) <= {"yes", "no"}, f"Cells must be yes or no: {line}"
        rows.append((cells[0].strip("`"), cells[1],
                     dict(zip(header[2:], (c == "yes" for c in cells[2:]), strict=True))))
    return header[2:], rows


ACTORS, ROWS = read_table()


@pytest.fixture
def people(db):
    ambridge = CoalitionFactory(name="Ambridge Digital Coalition")
    economy = DomainFactory(framework=ambridge.framework, name="Economy")
    other = DomainFactory(framework=ambridge.framework, name="Living")
    round_ = RoundFactory(coalition=ambridge, domains=[economy])
    users = {
        "anonymous": AnonymousUser(),
        "non-member": PersonFactory(domains=[economy]).user,
        "requested": RequestedMembershipFactory(coalition=ambridge,
                                                person__domains=[economy]).person.user,
        "member": MembershipFactory(coalition=ambridge, person__domains=[economy]).person.user,
        "member (other domains)": MembershipFactory(coalition=ambridge,
                                                    person__domains=[other]).person.user,
        "steering group": MembershipFactory(coalition=ambridge, role=Membership.Role.STEERING,
                                            person__domains=[economy]).person.user,
        "left": MembershipFactory(coalition=ambridge, status=Membership.Status.LEFT,
                                  person__domains=[economy]).person.user,
        "coordinator": CoordinatorFactory(coalition=ambridge).person.user,
        "other coordinator": CoordinatorFactory(
            coalition=CoalitionFactory(name="Borchester")).person.user,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    return users, {"coalition": ambridge, "round": round_}


def test_the_table_covers_every_round_permission():
    """The table names the round permissions the views check."""
    assert {row[0] for row in ROWS} == {"rounds.add_round", "rounds.close_round",
                                        "rounds.view_provisional_results", "rounds.rate_round"}


@pytest.mark.parametrize(("permission", "obj", "expected"), ROWS,
                         ids=[f"{p}-{o}" for p, o, _e in ROWS])
def test_rules_match_the_documented_table(people, permission, obj, expected):
    """Each cell of docs/rounds.md is what user.has_perm answers."""
    users, objects = people
    answers = {actor: users[actor].has_perm(permission, objects[obj]) for actor in ACTORS}
    assert answers == expected


def test_all_members_rounds_let_every_active_member_rate(people):
    """In a round open to all members, a member who knows none of its domains may rate."""
    users, objects = people
    round_ = objects["round"]
    round_.eligibility = Round.Eligibility.ALL_MEMBERS
    round_.save()
    assert users["member (other domains)"].has_perm("rounds.rate_round", round_) is True
    assert users["left"].has_perm("rounds.rate_round", round_) is False


def test_eligible_domains_are_those_known_and_in_scope(world):
    """A member rates the in-scope domains they know, no others."""
    round_ = world.round(domains=[world.economy])
    person = world.member(domains=[world.economy, world.living]).person
    assert eligible_domain_ids(person=person, round_=round_) == {world.economy.pk}
