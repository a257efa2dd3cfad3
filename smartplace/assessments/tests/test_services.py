"""Services: importing and recording answers, history, reviewers, stages, replies, publishing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from smartplace.assessments.answers import answer_record, answers_import
from smartplace.assessments.models import (
    Answer,
    AnswerHistory,
    Cycle,
    Participant,
    Reply,
    ReviewAssignment,
    Stage,
)
from smartplace.assessments.scores import cycle_scores
from smartplace.assessments.selectors import changed_answers
from smartplace.assessments.services import (
    cycle_publish,
    participant_add,
    reply_record,
    reviewers_assign_bulk,
    stage_advance,
)
from smartplace.assessments.tests.factories import (
    WORKED_EXAMPLE,
    CouncilFactory,
    CycleFactory,
    ParticipantFactory,
)
from smartplace.instruments.files import InstrumentFileError
from smartplace.organisations.tests.factories import OrganisationFactory
from smartplace.people.tests.factories import MembershipFactory, UserFactory

ORGS = "organisation,name,group\nambridge,Ambridge District Council,district\n" \
       "borsetshire,Borsetshire County Council,county\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cycle(db):
    cycle = CycleFactory()
    OrganisationFactory(slug="ambridge", name="Ambridge District Council")
    OrganisationFactory(slug="borsetshire", name="Borsetshire County Council")
    return cycle


@pytest.fixture
def imported(cycle, tmp_path):
    """The worked example's answers imported into a cycle, as self-assessment."""
    answers_import(cycle=cycle, path=WORKED_EXAMPLE / "answers.csv",
                   organisations_path=WORKED_EXAMPLE / "organisations.csv")
    return cycle


def problems_of(error: InstrumentFileError) -> list[str]:
    return [str(p) for p in error.problems]


@pytest.mark.django_db
class TestImport:
    def test_import_creates_participants_answers_and_history(self, imported):
        """Importing adds the organisations with their groups, one answer and one history row
        per non-blank answer."""
        participants = {p.organisation.slug: p for p in imported.participants.all()}
        assert {slug: p.scoring_group for slug, p in participants.items()} == {
            "ambridge": "district", "borsetshire": "county"}
        # ambridge S5 is blank and borsetshire has no S4 row: neither is stored.
        assert Answer.objects.count() == 20
        assert AnswerHistory.objects.filter(created=True, via="import").count() == 20
        ambridge = Answer.objects.get(participant=participants["ambridge"], question__code="L1")
        assert (ambridge.evidence_url, ambridge.evidence_page) == (
            "https://ambridge.example/digital-strategy", "3")
        # Labels and synonyms are stored in normal form.
        borsetshire = {a.question.code: a for a in Answer.objects.filter(
            participant=participants["borsetshire"]).select_related("question")}
        assert borsetshire["L3"].value == "quarterly"
        assert borsetshire["D1"].value == "yes"
        assert borsetshire["S5"].not_applicable is True

    def test_reimporting_the_same_file_changes_nothing(self, imported):
        """A second import of the same files writes no answer, no history and no new time."""
        before = list(Answer.objects.order_by("pk").values_list("pk", "updated_at", "value"))
        history = AnswerHistory.objects.count()
        summary = answers_import(cycle=imported, path=WORKED_EXAMPLE / "answers.csv",
                                 organisations_path=WORKED_EXAMPLE / "organisations.csv")
        assert (summary.created, summary.changed) == (0, 0)
        assert list(Answer.objects.order_by("pk").values_list("pk", "updated_at",
                                                              "value")) == before
        assert AnswerHistory.objects.count() == history

    def test_a_changed_row_changes_one_answer_and_adds_one_history_row(self, imported,
                                                                       tmp_path):
        """Re-importing with one answer changed updates that answer and records old and new."""
        text = (WORKED_EXAMPLE / "answers.csv").read_text(encoding="utf-8")
        path = write(tmp_path, "answers.csv", text.replace("borsetshire,L2,no,,,",
                                                           "borsetshire,L2,yes,,,"))
        summary = answers_import(cycle=imported, path=path)
        assert (summary.created, summary.changed) == (0, 1)
        row = AnswerHistory.objects.get(created=False)
        assert (row.question.code, row.old_value, row.new_value) == ("L2", "no", "yes")

    @pytest.mark.parametrize(("answers", "expected"), [
        ("ambridge,L1,yes,,,\nloxley,L1,yes,,,\n",
         "line 3, column 'organisation': unknown organisation 'loxley'"),
        ("ambridge,L1,yes,,,\nambridge,Z9,yes,,,\n",
         "line 3, column 'question': unknown question 'Z9'"),
        ("ambridge,L1,yes,,,\nambridge,L3,weekly,,,\n",
         "line 3, column 'answer': question L3 has no option 'weekly'"),
        ("ambridge,L1,yes,,,\nambridge,D2,spending;parking,,,\n",
         "line 3, column 'answer': question D2 has no option 'parking'"),
        ("ambridge,L1,yes,,,\nambridge,L1,no,,,\n",
         "line 3, column 'question': ambridge has already answered L1 on line 2"),
        ("ambridge,S3,twelve,,,\n", "line 2, column 'answer': 'twelve' is not a number"),
        ("ambridge,L1,n/a,,,\n", "line 2, column 'answer': question L1 cannot be answered"),
    ], ids=["unknown-organisation", "unknown-question", "unknown-option",
            "unknown-multiple-option", "duplicate-row", "not-a-number", "not-applicable"])
    def test_bad_answers_name_their_line_and_import_nothing(self, cycle, tmp_path, answers,
                                                            expected):
        """Each kind of bad row is reported with its line and column, and nothing is written."""
        path = write(tmp_path, "answers.csv",
                     "organisation,question,answer,evidence_url,evidence_page,evidence_quote\n"
                     + answers)
        orgs = write(tmp_path, "organisations.csv", ORGS)
        with pytest.raises(InstrumentFileError) as error:
            answers_import(cycle=cycle, path=path, organisations_path=orgs)
        assert any(expected in p for p in problems_of(error.value)), problems_of(error.value)
        assert Answer.objects.count() == 0
        assert Participant.objects.count() == 0

    def test_every_problem_is_listed_at_once(self, cycle, tmp_path):
        """A file with several bad rows lists each, with its own line."""
        path = write(tmp_path, "answers.csv", "organisation,question,answer\n"
                     "ambridge,L1,maybe\nambridge,Z1,yes\nambridge,L2,yes\nloxley,L1,yes\n")
        with pytest.raises(InstrumentFileError) as error:
            answers_import(cycle=cycle, path=path,
                           organisations_path=write(tmp_path, "o.csv", ORGS))
        lines = [p.line for p in error.value.problems]
        assert lines == [2, 3, 5]

    def test_an_organisation_missing_from_the_database_is_named_with_its_line(self, cycle,
                                                                            tmp_path):
        """An organisations file naming an organisation that does not exist is refused."""
        orgs = write(tmp_path, "organisations.csv", ORGS + "felpersham,Felpersham,district\n")
        with pytest.raises(InstrumentFileError) as error:
            answers_import(cycle=cycle, path=WORKED_EXAMPLE / "answers.csv",
                           organisations_path=orgs)
        assert problems_of(error.value) == [
            f"{orgs}, line 4, column 'organisation': there is no organisation 'felpersham' "
            "(give the organisation's slug, as in its address)"]

    def test_without_an_organisations_file_organisations_must_take_part(self, imported,
                                                                        tmp_path):
        """Without an organisations file an organisation outside the cycle is refused."""
        OrganisationFactory(slug="loxley")
        path = write(tmp_path, "a.csv", "organisation,question,answer\nloxley,L1,yes\n")
        with pytest.raises(InstrumentFileError) as error:
            answers_import(cycle=imported, path=path)
        assert "unknown organisation 'loxley' (not taking part in" in str(error.value)

    def test_answers_for_another_stage_are_refused(self, imported):
        """Review answers cannot be imported for a participant still self-assessing."""
        with pytest.raises(InstrumentFileError) as error:
            answers_import(cycle=imported, path=WORKED_EXAMPLE / "answers.csv",
                           stage=Stage.REVIEW)
        assert "line 2, column 'organisation': ambridge is at the self-assessment stage" in (
            str(error.value))


@pytest.mark.django_db
class TestRecordAndHistory:
    def test_history_is_kept_across_stages(self, imported):
        """Self-assessment, review and audit changes are each kept with stage, person, note."""
        participant = imported.participants.get(organisation__slug="borsetshire")
        question = imported.instrument.questions.get(code="L2")
        respondent, reviewer, coordinator = UserFactory(), UserFactory(), UserFactory()
        answer_record(participant=participant, question=question, value="yes",
                      evidence_url="https://borsetshire.example/board", user=respondent)
        reviewers_assign_bulk(cycle=imported, assignments=[(reviewer, participant)])
        stage_advance(participant=participant, to=Stage.REVIEW, user=respondent)
        answer_record(participant=participant, question=question, value="no",
                      evidence_url="https://borsetshire.example/board", user=reviewer,
                      note="The board minutes name no digital lead.")
        stage_advance(participant=participant, to=Stage.RIGHT_OF_REPLY, user=reviewer)
        stage_advance(participant=participant, to=Stage.AUDIT, user=respondent)
        answer_record(participant=participant, question=question, value="yes",
                      evidence_url="https://borsetshire.example/board", user=coordinator,
                      note="Appointed in March; evidence accepted.")
        rows = list(AnswerHistory.objects.filter(participant=participant, question=question)
                    .order_by("changed_at", "id"))
        assert [(r.stage, r.old_value, r.new_value, r.changed_by) for r in rows] == [
            (Stage.SELF_ASSESSMENT, "", "no", None),
            (Stage.SELF_ASSESSMENT, "no", "yes", respondent),
            (Stage.REVIEW, "yes", "no", reviewer),
            (Stage.AUDIT, "no", "yes", coordinator),
        ]
        assert rows[2].note == "The board minutes name no digital lead."
        # The self-assessed score is kept apart from the live one.
        self_assessed = cycle_scores(cycle=imported, stage=Stage.SELF_ASSESSMENT)
        reviewed = cycle_scores(cycle=imported, stage=Stage.REVIEW)
        assert self_assessed[participant].section("L").points == 5  # L1 1 + L2 2 + L3 2
        assert reviewed[participant].section("L").points == 3  # L2 no

    def test_recording_the_same_answer_twice_changes_nothing(self, imported):
        """An unchanged answer from the form writes no history."""
        participant = imported.participants.get(organisation__slug="ambridge")
        question = imported.instrument.questions.get(code="L3")
        before = AnswerHistory.objects.count()
        answer, changed = answer_record(participant=participant, question=question,
                                        value="Annually")
        assert changed is False
        assert AnswerHistory.objects.count() == before

    def test_a_value_that_is_not_an_answer_is_refused(self, imported):
        """The form's value goes through the answers grammar: an unknown option is refused."""
        participant = imported.participants.get(organisation__slug="ambridge")
        question = imported.instrument.questions.get(code="L3")
        with pytest.raises(ValidationError, match="has no option 'weekly'"):
            answer_record(participant=participant, question=question, value="weekly")

    def test_answers_cannot_change_in_the_right_of_reply(self, imported):
        """At the right-of-reply stage the answers are fixed."""
        participant = imported.participants.get(organisation__slug="ambridge")
        Participant.objects.filter(pk=participant.pk).update(stage=Stage.RIGHT_OF_REPLY)
        with pytest.raises(ValidationError, match="cannot change"):
            answer_record(participant=participant,
                          question=imported.instrument.questions.get(code="L1"), value="no")


@pytest.mark.django_db
class TestReviewers:
    def test_a_reviewer_never_reviews_their_own_organisation(self, db):
        """Assigning a member of the organisation is refused, naming the refusal; nothing is
        assigned."""
        ambridge = ParticipantFactory()
        borchester = ParticipantFactory(cycle=ambridge.cycle)
        insider = MembershipFactory(organisation=ambridge.organisation).person.user
        with pytest.raises(ValidationError) as error:
            reviewers_assign_bulk(cycle=ambridge.cycle,
                                  assignments=[(insider, borchester), (insider, ambridge)])
        assert error.value.messages == [
            f"{insider.username} cannot review {ambridge.organisation}: it is their own "
            "organisation."]
        assert ReviewAssignment.objects.count() == 0

    def test_a_respondent_is_refused_as_a_reviewer_too(self, db):
        """Someone who answers for an organisation cannot review it."""
        participant = ParticipantFactory()
        respondent = UserFactory()
        participant.respondents.add(respondent)
        with pytest.raises(ValidationError):
            reviewers_assign_bulk(cycle=participant.cycle,
                                  assignments=[(respondent, participant)])

    def test_the_database_refuses_a_self_review(self, db):
        """The check constraint refuses an assignment naming the same organisation twice."""
        participant = ParticipantFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewAssignment.objects.create(
                participant=participant, reviewer=UserFactory(),
                organisation=participant.organisation,
                reviewer_organisation=participant.organisation)

    def test_bulk_assignment_assigns_each_pair_once(self, db):
        """Bulk assignment creates each pair; repeating it creates none."""
        cycle = CycleFactory()
        participants = ParticipantFactory.create_batch(3, cycle=cycle)
        reviewers = [MembershipFactory(organisation=CouncilFactory()).person.user
                     for _ in range(2)]
        pairs = [(r, p) for r in reviewers for p in participants]
        assert reviewers_assign_bulk(cycle=cycle, assignments=pairs).created == 6
        again = reviewers_assign_bulk(cycle=cycle, assignments=pairs)
        assert (again.created, again.existing) == (0, 6)
        assignment = ReviewAssignment.objects.first()
        assert assignment.reviewer_organisation_id is not None
        assert assignment.reviewer_organisation_id != assignment.organisation_id

    def test_a_participant_of_another_cycle_is_refused(self, db):
        """Pairs must name participants of the cycle."""
        other = ParticipantFactory()
        with pytest.raises(ValidationError, match="does not take part"):
            reviewers_assign_bulk(cycle=CycleFactory(), assignments=[(UserFactory(), other)])


@pytest.mark.django_db
class TestStages:
    @pytest.mark.parametrize(("start", "to"), [
        (Stage.SELF_ASSESSMENT, Stage.REVIEW),
        (Stage.REVIEW, Stage.RIGHT_OF_REPLY),
        (Stage.REVIEW, Stage.SELF_ASSESSMENT),
        (Stage.RIGHT_OF_REPLY, Stage.AUDIT),
        (Stage.AUDIT, Stage.PUBLISHED),
        (Stage.AUDIT, Stage.REVIEW),
    ])
    def test_allowed_moves(self, start, to):
        """Forward one stage, or back for more work, is allowed."""
        participant = ParticipantFactory(stage=start)
        ReviewAssignment.objects.create(participant=participant, reviewer=UserFactory(),
                                        organisation=participant.organisation)
        assert stage_advance(participant=participant, to=to).stage == to
        participant.refresh_from_db()
        assert participant.stage == to

    @pytest.mark.parametrize(("start", "to"), [
        (Stage.SELF_ASSESSMENT, Stage.RIGHT_OF_REPLY),
        (Stage.SELF_ASSESSMENT, Stage.PUBLISHED),
        (Stage.REVIEW, Stage.AUDIT),
        (Stage.RIGHT_OF_REPLY, Stage.REVIEW),
        (Stage.PUBLISHED, Stage.AUDIT),
        (Stage.AUDIT, Stage.AUDIT),
    ])
    def test_refused_moves(self, start, to):
        """Skipping a stage, going back from the reply, or leaving published is refused."""
        participant = ParticipantFactory(stage=start)
        with pytest.raises(ValidationError, match="cannot move"):
            stage_advance(participant=participant, to=to)
        participant.refresh_from_db()
        assert participant.stage == start

    def test_review_needs_a_reviewer(self):
        """A self-assessment cannot go to review before a reviewer is assigned."""
        participant = ParticipantFactory()
        with pytest.raises(ValidationError, match="Assign a reviewer"):
            stage_advance(participant=participant, to=Stage.REVIEW)

    def test_publishing_refuses_participants_before_audit(self):
        """Publishing names every participant not yet at audit and publishes nothing."""
        cycle = CycleFactory()
        ready = ParticipantFactory(cycle=cycle, stage=Stage.AUDIT)
        late = ParticipantFactory(cycle=cycle, stage=Stage.REVIEW)
        with pytest.raises(ValidationError) as error:
            cycle_publish(cycle=cycle)
        assert error.value.messages == [f"{late.organisation} is still at the review stage."]
        ready.refresh_from_db()
        assert ready.stage == Stage.AUDIT
        late.stage = Stage.AUDIT
        late.save()
        cycle = cycle_publish(cycle=cycle)
        assert cycle.status == Cycle.Status.PUBLISHED and cycle.published_at
        assert set(cycle.participants.values_list("stage", flat=True)) == {Stage.PUBLISHED}


@pytest.mark.django_db
class TestReplies:
    def test_reply_to_a_changed_answer(self, imported):
        """The organisation replies to answers changed in review; disagreeing needs a reason."""
        participant = imported.participants.get(organisation__slug="ambridge")
        l1 = imported.instrument.questions.get(code="L1")
        l2 = imported.instrument.questions.get(code="L2")
        reviewer = UserFactory()
        reviewers_assign_bulk(cycle=imported, assignments=[(reviewer, participant)])
        stage_advance(participant=participant, to=Stage.REVIEW)
        answer_record(participant=participant, question=l1, value="no", user=reviewer,
                      note="The strategy expired in 2025.")
        stage_advance(participant=participant, to=Stage.RIGHT_OF_REPLY)
        changed = changed_answers(participant=participant)
        assert [(c.question.code, c.self_value, c.value, c.notes) for c in changed] == [
            ("L1", "yes", "no", ("The strategy expired in 2025.",))]
        with pytest.raises(ValidationError, match="Say why you disagree"):
            reply_record(participant=participant, question=l1, agrees=False)
        with pytest.raises(ValidationError, match="was not changed in review"):
            reply_record(participant=participant, question=l2, agrees=True)
        reply = reply_record(participant=participant, question=l1, agrees=False,
                             text="Renewed in January.",
                             evidence_url="https://ambridge.example/strategy-2026")
        assert Reply.objects.get() == reply and reply.agrees is False


@pytest.mark.django_db
def test_participant_peer_group_comes_from_the_place(db):
    """With peer groups by region, a participant's peer group is its place's region."""
    cycle = CycleFactory(group_basis=Cycle.GroupBasis.REGION)
    council = CouncilFactory(place__region="West Midlands")
    participant = participant_add(cycle=cycle, organisation=council, scoring_group="district")
    assert participant.peer_group == "West Midlands"
    with pytest.raises(ValidationError):
        participant_add(cycle=cycle, organisation=CouncilFactory(), scoring_group="parish")
