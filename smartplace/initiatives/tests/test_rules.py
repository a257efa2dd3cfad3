"""The permission table in docs/permissions.md, checked cell by cell against the rules."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from smartplace.coalitions.tests.factories import CoalitionFactory
from smartplace.core.models import Visibility
from smartplace.frameworks.models import SmartQuestion
from smartplace.frameworks.tests.factories import DomainFactory, SmartQuestionFactory
from smartplace.initiatives.rules import is_member_of_its_coalition
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.insights.rules import InitiativePair
from smartplace.people.models import Membership
from smartplace.people.rules import is_active_member, is_coordinator, people_visible_to
from smartplace.people.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PersonFactory,
    RequestedMembershipFactory,
    UserFactory,
)

DOCS = Path(__file__).resolve().parents[3] / "docs"
DOC = DOCS / "permissions.md"
#: Every permission table: this one, and the rounds' and assessment cycles' (same format).
TABLES = [DOC, DOCS / "rounds.md", DOCS / "assessments.md"]


def read_table(doc: Path = DOC) -> tuple[list[str], list[tuple[str, str, dict[str, bool]]]]:
    """The actors (column names) and rows (permission, object, {actor: allowed})."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| permission | object |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    actors = header[2:]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), f"Wrong number of cells in: {line}"
        permission, obj = cells[0].strip("`"), cells[1]
        assert set(cells[2:]) <= {"yes", "no"}, f"Cells must be yes or no: {line}"
        rows.append((permission, obj, dict(zip(actors, (c == "yes" for c in cells[2:]),
                                               strict=True))))
    return actors, rows


ACTORS, ROWS = read_table()


@pytest.fixture
def world(db):
    """The coalition Ambridge, its objects, and one user per column of the table."""
    ambridge = CoalitionFactory(name="Ambridge Digital Coalition")
    borchester = CoalitionFactory(name="Borchester Digital Coalition")
    lead = MembershipFactory(coalition=ambridge, role=Membership.Role.DOMAIN_LEAD)
    led, other_domain = (DomainFactory(framework=ambridge.framework) for _n in range(2))
    lead.lead_domains.add(led)
    members = {
        "requested": RequestedMembershipFactory(coalition=ambridge),
        "member": MembershipFactory(coalition=ambridge),
        "domain lead": lead,
        "steering group": MembershipFactory(coalition=ambridge, role=Membership.Role.STEERING),
        "left": MembershipFactory(coalition=ambridge, status=Membership.Status.LEFT),
        "coordinator": CoordinatorFactory(coalition=ambridge),
    }
    users = {name: m.person.user for name, m in members.items()}
    users["anonymous"] = AnonymousUser()
    users["non-member"] = PersonFactory().user
    users["other coordinator"] = CoordinatorFactory(coalition=borchester).person.user
    users["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    public = InitiativeFactory(coalition=ambridge)
    private = InitiativeFactory(coalition=ambridge, visibility=Visibility.PRIVATE)
    objects = {
        "coalition": ambridge,
        "public initiative": public,
        "private initiative": private,
        "pair across coalitions": InitiativePair(public, InitiativeFactory(coalition=borchester)),
        "pair with a private initiative": InitiativePair(private, public),
        "pair in another coalition": InitiativePair(*InitiativeFactory.create_batch(
            2, coalition=borchester)),
        "public person": MembershipFactory(coalition=ambridge,
                                           person__public_profile=True).person,
        "private person": MembershipFactory(coalition=ambridge).person,
        "applicant": RequestedMembershipFactory(coalition=ambridge).person,
        "question in the led domain": SmartQuestionFactory(domain=led),
        "question in another domain": SmartQuestionFactory(domain=other_domain),
        "agreed question": SmartQuestionFactory(domain=led, status=SmartQuestion.Status.AGREED),
        "declined question": SmartQuestionFactory(domain=led,
                                                  status=SmartQuestion.Status.DECLINED),
    }
    own = {name: m for name, m in members.items()}
    persons = {name: getattr(user, "person", None) if user.is_authenticated else None
               for name, user in users.items()}
    return {"users": users, "objects": objects, "own": own, "persons": persons,
            "ambridge": ambridge}


def test_the_table_has_every_actor_and_permission():
    """The table names every role (member, domain lead, steering group, coordinator, site
    administrator) and the other kinds of people, and covers the permissions the views use."""
    assert ACTORS == ["anonymous", "non-member", "requested", "member", "domain lead",
                      "steering group", "left", "coordinator", "other coordinator", "superuser"]
    permissions = {row[0] for row in ROWS}
    assert {"initiatives.add_initiative", "initiatives.change_initiative",
            "initiatives.view_initiative", "coalitions.manage_membership",
            "people.view_private", "frameworks.view_question", "frameworks.propose_question",
            "frameworks.support_question", "frameworks.agree_question",
            "insights.dismiss_overlap", "opendata.make_release"} <= permissions


@pytest.mark.parametrize(("permission", "obj", "expected"), ROWS,
                         ids=[f"{p}-{o}" for p, o, _e in ROWS])
def test_rules_match_the_documented_table(world, permission, obj, expected):
    """Each cell of docs/permissions.md is what user.has_perm answers."""
    answers = {}
    for actor in ACTORS:
        user = world["users"][actor]
        if obj == "own membership":
            target = world["own"].get(actor)
        elif obj == "own person":
            target = world["persons"][actor]
        else:
            target = world["objects"][obj]
        answers[actor] = user.has_perm(permission, target)
    assert answers == expected


@pytest.mark.django_db
def test_predicates_do_not_pass_superusers_by_themselves():
    """is_active_member and is_coordinator answer about membership only; has_perm adds
    superusers."""
    coalition = CoalitionFactory()
    superuser = UserFactory(is_superuser=True)
    assert is_active_member(superuser, coalition) is False
    assert is_coordinator(superuser, coalition) is False
    assert superuser.has_perm("initiatives.add_initiative", coalition) is True


@pytest.mark.django_db
def test_an_inactive_user_has_no_permissions():
    """A deactivated account loses its membership rights."""
    membership = CoordinatorFactory()
    user = membership.person.user
    user.is_active = False
    user.save()
    assert user.has_perm("initiatives.add_initiative", membership.coalition) is False
    assert is_active_member(user, membership.coalition) is False


@pytest.mark.django_db
def test_permissions_without_an_object_are_refused():
    """A rule asked about no object (as for a whole model) says no to members."""
    membership = CoordinatorFactory()
    user = membership.person.user
    assert user.has_perm("initiatives.add_initiative") is False
    assert user.has_perm("coalitions.manage_membership") is False
    assert is_member_of_its_coalition(user, None) is False


def test_people_visible_to_agrees_with_view_person(world):
    """The queryset filter for names gives the people view_person allows, for every actor."""
    people = [world["objects"][name] for name in ("public person", "private person",
                                                  "applicant")]
    for actor in ACTORS:
        user = world["users"][actor]
        visible = set(people_visible_to(user).filter(pk__in=[p.pk for p in people]))
        allowed = {p for p in people if user.has_perm("people.view_person", p)}
        assert visible == allowed, actor


def test_every_permission_is_documented():
    """Each permission registered with django-rules has a row in one of the permission tables
    of docs/ (and its app's test checks the cells); each row names a registered permission."""
    from rules.permissions import permissions

    documented = {row[0] for doc in TABLES for row in read_table(doc)[1]}
    registered = set(permissions.keys())
    assert registered - documented == set(), "permissions missing from docs/ tables"
    assert documented - registered == set(), "documented permissions that do not exist"
