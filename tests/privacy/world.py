"""
The fixture world of the privacy gate test: the demo (coalition, rounds, assessment cycles)
plus private "sentinels", each carrying a unique marker string that must never appear on a
public surface, and public "controls" that must appear somewhere (so the crawl is known to reach
real content).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

#: Markers of private data. Every one contains SENTINEL; none is contained in the search query
#: the crawl sends (`?q=SENTINEL`), so a page echoing the query is not a false alarm.
PRIVATE_INITIATIVE_TITLE = "SENTINEL-PRIVATE-INITIATIVE-TITLE-Q7X"
PRIVATE_INITIATIVE_DESCRIPTION = "SENTINEL-PRIVATE-INITIATIVE-DESCRIPTION-Q7X"
PRIVATE_INITIATIVE_LINK = "SENTINEL-PRIVATE-INITIATIVE-LINK-Q7X"
PRIVATE_INITIATIVE_EVIDENCE = "SENTINEL-PRIVATE-INITIATIVE-EVIDENCE-Q7X"
#: The private initiative's evidence card: an outcome measure, a lesson, a reusable asset, a
#: channel shift, and the notes of its reuse links with the public initiative (either way).
PRIVATE_OUTCOME = "SENTINEL-PRIVATE-OUTCOME-MEASURE-Q7X"
PRIVATE_LESSON = "SENTINEL-PRIVATE-LESSON-Q7X"
PRIVATE_ASSET = "SENTINEL-PRIVATE-REUSABLE-ASSET-Q7X"
PRIVATE_CHANNEL_SHIFT = "SENTINEL-PRIVATE-CHANNEL-SHIFT-NOTE-Q7X"
PRIVATE_REUSE_NOTE = "SENTINEL-PRIVATE-REUSED-THE-PUBLIC-ONE-Q7X"
PRIVATE_REUSED_FROM_NOTE = "SENTINEL-PUBLIC-REUSED-THE-PRIVATE-ONE-Q7X"
UNCONSENTED_NAME = "SENTINEL-UNCONSENTED-NAME-Q7X"
UNCONSENTED_JOB = "SENTINEL-UNCONSENTED-JOB-Q7X"
UNCONSENTED_EMAIL = "sentinel-unconsented-email-q7x@example.org"
MEMBER_EMAIL = "sentinel-member-email-q7x@example.org"
REQUEST_MESSAGE = "SENTINEL-JOIN-REQUEST-MESSAGE-Q7X"
RATING_REASON = "SENTINEL-RATING-REASON-Q7X"
RATING_LINK = "https://example.org/SENTINEL-RATING-LINK-Q7X"
UNPUBLISHED_CYCLE = "SENTINEL-UNPUBLISHED-CYCLE-Q7X"
PRIVATE_CYCLE = "SENTINEL-PRIVATE-POLICY-CYCLE-Q7X"
DRAFT_EVIDENCE = "SENTINEL-DRAFT-EVIDENCE-QUOTE-Q7X"
DRAFT_ANSWER = "SENTINEL-DRAFT-ANSWER-TEXT-Q7X"
REVIEWER_NOTE = "SENTINEL-REVIEWER-NOTE-Q7X"
INVITATION_MESSAGE = "SENTINEL-INVITATION-MESSAGE-Q7X"
DECLINED_QUESTION = "SENTINEL-DECLINED-QUESTION-Q7X"
#: The private objects' slugs, which are in their addresses (on the web and in the API): a link
#: to one, or a slug in a list or count, reveals it. A response counts them only when its own
#: address does not hold them (`crawl.leaks`): a private object's page answers 404 and the
#: links to sign in or to the Welsh page repeat the address asked for.
PRIVATE_INITIATIVE_SLUG = "sentinel-private-initiative-slug-q7x"
UNPUBLISHED_CYCLE_SLUG = "sentinel-unpublished-cycle-slug-q7x"
PRIVATE_CYCLE_SLUG = "sentinel-private-cycle-slug-q7x"

MARKERS = [value.upper() for name, value in dict(globals()).items()
           if name.isupper() and isinstance(value, str) and "SENTINEL" in value.upper()]

#: Public controls: each must be found by the crawl, or the crawl proves nothing.
PUBLIC_INITIATIVE_TITLE = "PUBLICCONTROL-INITIATIVE-Q7X"
PUBLIC_PERSON_NAME = "PUBLICCONTROL-PERSON-Q7X"
PUBLIC_QUESTION = "PUBLICCONTROL-QUESTION-Q7X"
PUBLIC_ASSET = "PUBLICCONTROL-REUSABLE-ASSET-Q7X"  # on the public initiative's evidence card
CONTROLS = [PUBLIC_INITIATIVE_TITLE, PUBLIC_PERSON_NAME, PUBLIC_QUESTION, PUBLIC_ASSET]


@dataclass
class World:
    """What the crawl needs to fill the parameters of every route."""

    coalition: object
    public_initiative: object
    private_initiative: object
    closed_round: object
    open_round: object
    member_user: object  # an active member, unconsented
    outsider_user: object  # signed in, a member of nothing
    token_pk: int = 0
    invitation_token: str = ""  # the secret of a pending invitation (its page is for its holder)
    cycles: list = field(default_factory=list)
    sentinel_cycles: list = field(default_factory=list)
    proposed_question: object = None  # public, supported by the unconsented member
    declined_question: object = None  # members only


def build_world() -> World:
    """Load the demo and add the private sentinels and public controls."""
    from smartplace.accounts.services import invitation_create
    from smartplace.api.services import api_token_create
    from smartplace.assessments.demo import assessments_load_demo
    from smartplace.assessments.models import Answer, AnswerHistory, Cycle, Participant
    from smartplace.core.models import Visibility
    from smartplace.demo.services import demo_load
    from smartplace.initiatives.models import Initiative, InitiativeLink
    from smartplace.opendata.services import data_release_make
    from smartplace.people.models import Membership
    from smartplace.people.tests.factories import PersonFactory, UserFactory
    from smartplace.rounds.demo import rounds_load_demo
    from smartplace.rounds.models import Rating
    from smartplace.rounds.services import round_result_snapshot

    coalition = demo_load(coordinator_password=None).coalition
    rounds = rounds_load_demo(coalition=coalition)
    cycles = assessments_load_demo()
    subdomain = coalition.framework.domains.first().subdomains.first()
    organisation = coalition.initiatives.exclude(lead_organisation=None).first().lead_organisation

    # An active member who never consented to be named, with a pending request elsewhere.
    member_user = UserFactory(email=UNCONSENTED_EMAIL, username=UNCONSENTED_EMAIL)
    member = PersonFactory(user=member_user, name=UNCONSENTED_NAME, job_title=UNCONSENTED_JOB,
                           public_profile=False)
    member.domains.add(subdomain.domain)
    Membership.objects.create(person=member, coalition=coalition, status="active",
                              role="member", organisation=organisation,
                              joined_on=datetime.date(2024, 1, 1))
    requester = PersonFactory(name=UNCONSENTED_NAME + "-REQUESTER", public_profile=False,
                              user=UserFactory(email=MEMBER_EMAIL, username=MEMBER_EMAIL))
    Membership.objects.create(person=requester, coalition=coalition, status="requested",
                              request_message=REQUEST_MESSAGE)
    consenting = PersonFactory(name=PUBLIC_PERSON_NAME, public_profile=True)
    Membership.objects.create(person=consenting, coalition=coalition, status="active",
                              joined_on=datetime.date(2024, 1, 1))

    # Smart questions: a public proposal the unconsented member supports, one they proposed,
    # and a declined one (members only).
    from smartplace.frameworks.models import SmartQuestion
    from smartplace.frameworks.questions import smart_question_propose, smart_question_support

    proposed_question = smart_question_propose(domain=subdomain.domain, user=consenting.user,
                                               text=PUBLIC_QUESTION)
    smart_question_support(question=proposed_question, user=member_user)
    smart_question_propose(domain=subdomain.domain, user=member_user,
                           text="A public question proposed by an unconsented member Q7X?")
    declined_question = SmartQuestion.objects.create(
        domain=subdomain.domain, text=DECLINED_QUESTION, status="declined", proposed_by=member,
        position=99)

    public = Initiative.objects.create(
        coalition=coalition, slug="public-control-q7x", title=PUBLIC_INITIATIVE_TITLE,
        description="A public initiative.", lead_organisation=organisation)
    public.subdomains.add(subdomain)
    public.people.add(member, consenting)

    private = Initiative.objects.create(
        coalition=coalition, slug=PRIVATE_INITIATIVE_SLUG, title=PRIVATE_INITIATIVE_TITLE,
        description=PRIVATE_INITIATIVE_DESCRIPTION, visibility=Visibility.PRIVATE,
        lead_organisation=organisation)
    private.subdomains.add(subdomain)
    private.partners.add(organisation)
    private.people.add(member, consenting)
    InitiativeLink.objects.create(initiative=private, url=f"https://example.org/"
                                  f"{PRIVATE_INITIATIVE_LINK}", title=PRIVATE_INITIATIVE_LINK)
    _evidence_cards(public=public, private=private)
    # The private initiative helps to answer the public question (the domain page lists the
    # initiatives answering each question); the public one answers the declined question
    # (its page lists the questions it answers).
    from smartplace.insights.models_gaps import QuestionAnswer

    QuestionAnswer.objects.create(initiative=private, question=proposed_question)
    QuestionAnswer.objects.create(initiative=public, question=declined_question)

    # Ratings whose reasons were not shared, in the closed round (result recomputed) and the
    # open one.
    closed, opened = rounds.closed_round, rounds.open_round
    for round_ in (closed, opened):
        Rating.objects.create(round=round_, person=member, subdomain=subdomain, level=2,
                              confidence="high", reason=RATING_REASON,
                              evidence_links=[RATING_LINK], share_reason_publicly=False)
    type(closed).objects.filter(pk=closed.pk).update(result=None)
    closed.refresh_from_db()
    round_result_snapshot(round_=closed)

    # Assessment cycles: one still open, one published under the private policy; both with a
    # draft answer, its evidence and a reviewer's note.
    instrument = cycles[0].instrument
    questions = instrument.questions.order_by("position")
    question = questions.filter(kind="text").first() or questions.first()
    sentinel_cycles = []
    for slug, name, status, policy in [
        (UNPUBLISHED_CYCLE_SLUG, UNPUBLISHED_CYCLE, Cycle.Status.OPEN, Cycle.Policy.NAMED),
        (PRIVATE_CYCLE_SLUG, PRIVATE_CYCLE, Cycle.Status.PUBLISHED, Cycle.Policy.PRIVATE),
    ]:
        cycle = Cycle.objects.create(
            instrument=instrument, name=name, slug=slug, description=name, status=status,
            policy=policy, published_at=timezone.now() if status == "published" else None)
        participant = Participant.objects.create(
            cycle=cycle, organisation=cycles[0].participants.first().organisation,
            scoring_group=cycles[0].participants.first().scoring_group,
            peer_group=cycles[0].participants.first().peer_group,
            stage="published" if status == "published" else "self_assessment")
        Answer.objects.create(participant=participant, question=question, value=DRAFT_ANSWER
                              if question.kind == "text" else "", evidence_quote=DRAFT_EVIDENCE,
                              stage="self_assessment", updated_at=timezone.now())
        AnswerHistory.objects.create(participant=participant, question=question,
                                     stage="review", via="review", changed_at=timezone.now(),
                                     new_value="", evidence_quote=DRAFT_EVIDENCE,
                                     note=REVIEWER_NOTE)
        sentinel_cycles.append(cycle)
    # A reviewer's note and draft evidence in a *published* named cycle too.
    published = next(c for c in cycles if c.is_public)
    participant = published.participants.first()
    AnswerHistory.objects.create(participant=participant, question=question, stage="review",
                                 via="review", changed_at=timezone.now(), new_value="",
                                 note=REVIEWER_NOTE)

    sent = invitation_create(coalition=coalition, email=MEMBER_EMAIL, invited_by=None,
                      message=INVITATION_MESSAGE, base_url="http://testserver")
    outsider_user = UserFactory(email="outsider-q7x@example.org",
                                username="outsider-q7x@example.org")
    PersonFactory(user=outsider_user, name="Outsider", public_profile=True)
    token, _secret = api_token_create(user=member_user, name=UNCONSENTED_NAME + "-TOKEN")

    # A dated release of the coalition's data package, made after the sentinels exist.
    data_release_make(kind="coalitions", obj=coalition,
                      absolute=lambda path="": f"http://testserver{path}")
    # And of the published named cycle with the reviewer's note.
    data_release_make(kind="cycles", obj=published,
                      absolute=lambda path="": f"http://testserver{path}")

    return World(coalition=coalition, public_initiative=public, private_initiative=private,
                 closed_round=closed, open_round=opened, member_user=member_user,
                 outsider_user=outsider_user, token_pk=token.pk,
                 invitation_token=sent.url.rstrip("/").rsplit("/", 1)[-1], cycles=list(cycles),
                 sentinel_cycles=sentinel_cycles, proposed_question=proposed_question,
                 declined_question=declined_question)


def _evidence_cards(*, public, private) -> None:
    """
    The demo's evidence (public initiatives' cards and the story's figures are not empty), a
    full evidence card on the private initiative (money figures, an outcome, a lesson, an
    asset, a channel shift: every one counted by the story and the gaps page), a reusable asset
    on the public one, and reuse links between the two either way (the public card's "reused
    by" and "reused from" lists and the story's count of reuses must leave them out).
    """
    from decimal import Decimal

    from smartplace.initiatives.models import Evidence
    from smartplace.insights.demo_evidence import evidence_load_demo
    from smartplace.insights.models_evidence import (
        ChannelShift,
        Lesson,
        OutcomeMeasure,
        ReusableAsset,
        Reuse,
    )

    evidence_load_demo(coalition=public.coalition)
    Evidence.objects.create(
        initiative=private, notes=PRIVATE_INITIATIVE_EVIDENCE,
        funding_source=PRIVATE_INITIATIVE_EVIDENCE, measurement=PRIVATE_INITIATIVE_EVIDENCE,
        capital_cost=Decimal("71234"), annual_cost=Decimal("1000"),
        annual_savings=Decimal("93457"), lifetime_years=Decimal("7"))
    OutcomeMeasure.objects.create(
        initiative=private, name=PRIVATE_OUTCOME, unit=PRIVATE_OUTCOME, source=PRIVATE_OUTCOME,
        baseline=Decimal("17"), result=Decimal("83"))
    Lesson.objects.create(initiative=private, text=PRIVATE_LESSON)
    ReusableAsset.objects.create(
        initiative=private, name=PRIVATE_ASSET, licence="MIT", description=PRIVATE_ASSET,
        url=f"https://example.org/{PRIVATE_ASSET}")
    ChannelShift.objects.create(initiative=private, face_to_face_to_web=31_337,
                                phone_to_web=4_243, note=PRIVATE_CHANNEL_SHIFT)
    ReusableAsset.objects.create(initiative=public, name=PUBLIC_ASSET, licence="OGL-UK-3.0")
    Reuse.objects.create(original=public, adopted_by=private, note=PRIVATE_REUSE_NOTE)
    Reuse.objects.create(original=private, adopted_by=public, note=PRIVATE_REUSED_FROM_NOTE)


def group_slugs(cycle) -> list[str]:
    """The peer-group slugs a cycle's league tables can have."""
    return sorted({slugify(p) for p in cycle.participants.values_list("peer_group", flat=True)
                   if p}) or ["none"]
