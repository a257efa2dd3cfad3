"""
Smart questions wherever else they are published (API, open data, the SQLite download, the gaps
page), and the record of the journey (audit history, personal data): declined ones for members
only.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile

from django.contrib.auth.models import AnonymousUser

from smartplace.api.services import api_token_create
from smartplace.core.tests.client import StreamingClient as Client
from smartplace.frameworks.questions import (
    smart_question_decide,
    smart_question_support,
    smart_question_support_withdraw,
)
from smartplace.frameworks.tests.question_world import client_as

# ---------------------------------------------------------------------------------------------
# Everywhere else the questions are published: one rule


def test_the_api_framework_hides_declined_questions_from_anonymous_callers(world):
    """/api/v1/coalitions/<slug>/framework: declined questions only with a member's token."""
    def texts(**headers):
        body = Client().get("/api/v1/coalitions/ambridge/framework", **headers).json()
        return {q["text"] for d in body["domains"] for q in d["questions"]}

    assert "SECRET declined question?" not in texts()
    assert "How can village shops sell online?" in texts()
    _token, secret = api_token_create(user=world.member, name="test")
    assert "SECRET declined question?" in texts(HTTP_AUTHORIZATION=f"Bearer {secret}")
    _token, secret = api_token_create(user=world.outsider, name="test")
    assert "SECRET declined question?" not in texts(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_open_data_and_the_sqlite_export_have_no_declined_questions(world):
    """The coalition's domains.csv and the site's SQLite file list only questions anyone may
    see, whoever downloads them."""
    client = client_as(world.coordinator)
    table = client.get("/data/coalitions/ambridge/latest/domains.csv")
    text = b"".join(table.streaming_content).decode() if table.streaming else \
        table.content.decode()
    rows = {r["slug"]: r["smart_questions"] for r in csv.DictReader(io.StringIO(text))}
    assert "How can village shops sell online?" in rows["economy"]
    assert "SECRET" not in text
    response = client.get("/data/smartplace.sqlite")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as handle:
        handle.write(content)
        handle.flush()
        db = sqlite3.connect(handle.name)
        stored = dict(db.execute("SELECT text, status FROM smart_questions").fetchall())
        db.close()
    assert stored["How can village shops sell online?"] == "proposed"
    assert "SECRET declined question?" not in stored


# ---------------------------------------------------------------------------------------------
# Audit history and personal data


def test_the_audit_history_records_the_journey(world):
    """Proposing, supporting, withdrawing and deciding are on the coordinators' audit page,
    each with who did it; support is named by its question."""
    from smartplace.accounts.audit import audit_entries

    smart_question_support(question=world.proposed, user=world.lead)
    smart_question_support_withdraw(question=world.proposed, user=world.lead)
    smart_question_decide(question=world.proposed, user=world.coordinator, agree=False)
    entries = [e for e in audit_entries(coalition=world.coalition)
               if e.object == "How can village shops sell online?"]
    coordinator = world.coordinator.person.name
    assert sorted((e.kind, e.action, e.who) for e in entries) == [
        ("smart question", "changed", coordinator),
        ("smart question", "created", "Private Pip"),
        ("support for a smart question", "created", "Lead Lynda"),
        ("support for a smart question", "deleted", "Lead Lynda")]
    decision = next(e for e in entries if e.kind == "smart question" and e.action == "changed")
    assert {(c.field, c.old, c.new) for c in decision.changes} >= {
        ("status", "Proposed", "Declined"),
        ("agreed or declined by", "", coordinator)}


def test_personal_data_lists_questions_proposed_and_supported(world):
    """The personal data download lists the questions a person proposed and supports."""
    from smartplace.accounts.selectors import person_export

    smart_question_support(question=world.proposed, user=world.lead)
    mine = person_export(user=world.member)["smart_questions"]
    assert [(q["text"], q["proposed_by_you"], q["supported_on"]) for q in mine] == [
        ("How can village shops sell online?", True, None)]
    theirs = person_export(user=world.lead)["smart_questions"]
    assert theirs[0]["proposed_by_you"] is False and theirs[0]["supported_on"]


def test_the_gaps_page_does_not_count_declined_questions(world):
    """A declined question is nobody's challenge: the gaps count the other questions only,
    for members too."""
    from smartplace.frameworks.tests.factories import SubDomainFactory
    from smartplace.insights.gaps import gaps_for_coalition

    SubDomainFactory(domain=world.economy, slug="shops", name="Shops")
    for user in (AnonymousUser(), world.member):
        row = gaps_for_coalition(coalition=world.coalition, user=user).rows[0]
        assert (row.questions, row.unanswered) == (2, 2)  # the example and the proposal
