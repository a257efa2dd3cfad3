"""
Pages for the people doing an assessment (signed in, never public): an organisation's
questionnaire, section by section; the reviewer's page (the self-assessment with its evidence,
and a reviewed answer with a note); the right of reply; the history of every answer; the
coordinators' progress page with bulk reviewer assignment; stage moves and publication.

Someone who may not see a participant gets 404, so its existence is not revealed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from smartplace.assessments import services
from smartplace.assessments.answers import answer_record
from smartplace.assessments.forms import AssignForm, QuestionForm, ReplyForm
from smartplace.assessments.models import AnswerHistory, Cycle, Participant, Reply, Stage
from smartplace.assessments.rules import may_move
from smartplace.assessments.selectors import (
    changed_answers,
    cycle_instrument,
    cycle_progress,
    participants_for_user,
)
from smartplace.assessments.services import TRANSITIONS
from smartplace.assessments.values import value_label


def _participant(request: HttpRequest, cycle: str, organisation: str) -> Participant:
    participant = get_object_or_404(
        Participant.objects.select_related("cycle", "cycle__instrument", "organisation"),
        cycle__slug=cycle, organisation__slug=organisation)
    if not request.user.has_perm("assessments.view_participant", participant):
        raise Http404(_("There is no such assessment."))
    return participant


def _crumbs(participant: Participant) -> list[dict[str, str]]:
    return [{"text": _("Home"), "href": reverse("core:home")},
            {"text": _("Your assessments"), "href": reverse("assessments:yours")},
            {"text": f"{participant.organisation.name}: {participant.cycle.name}",
             "href": _url("participant_home", participant)}]


def _url(name: str, participant: Participant, **kwargs) -> str:
    return reverse(f"assessments:{name}", kwargs={"cycle": participant.cycle.slug,
                                                  "organisation": participant.organisation.slug,
                                                  **kwargs})


def _mode(user, participant: Participant) -> str | None:
    """How `user` may change answers now: answer, review, audit, or None (read only)."""
    for mode in ("answer", "review", "audit"):
        if user.has_perm(f"assessments.{mode}_participant", participant):
            return mode
    return None


@login_required
def yours(request: HttpRequest) -> HttpResponse:
    """
    The assessments the signed-in person answers for, reviews or coordinates.

    Template: assessments/yours.html
    Context: participants, coordinated (cycles), breadcrumbs
    """
    return render(request, "assessments/yours.html", {
        "participants": participants_for_user(user=request.user),
        "coordinated": Cycle.objects.filter(coordinators=request.user).order_by("name"),
        "breadcrumbs": [{"text": _("Home"), "href": reverse("core:home")}],
    })


@login_required
def participant_home(request: HttpRequest, cycle: str, organisation: str) -> HttpResponse:
    """
    One organisation's assessment: its stage, the sections with how many questions are
    answered, what the person may do now (answer, review, reply, move on), and the history.

    Template: assessments/participant_home.html
    Context: participant, sections, mode, moves (stages the user may move it to), breadcrumbs
    """
    participant = _participant(request, cycle, organisation)
    tree = cycle_instrument(cycle=participant.cycle)
    answered = set(participant.answers.exclude(value="", not_applicable=False)
                   .values_list("question_id", flat=True))
    sections = []
    for section in tree.instrument.sections.all():
        questions = [q for q in tree.instrument.questions.all() if q.section_id == section.pk]
        sections.append({"section": section, "count": len(questions),
                         "answered": sum(1 for q in questions if q.pk in answered),
                         "url": _url("answer_section", participant, section=section.code)})
    moves = [{"stage": to, "label": Stage(to).label} for to in TRANSITIONS[participant.stage]
             if may_move(request.user, participant, to)]
    return render(request, "assessments/participant_home.html", {
        "participant": participant, "sections": sections,
        "mode": _mode(request.user, participant), "moves": moves,
        "can_reply": request.user.has_perm("assessments.reply_participant", participant),
        "breadcrumbs": _crumbs(participant)[:2],
    })


@login_required
def answer_section(request: HttpRequest, cycle: str, organisation: str,
                   section: str) -> HttpResponse:
    """
    The questionnaire, one section a page. Members answer at the self-assessment stage;
    assigned reviewers at review see the self-assessment and its evidence beside each question
    and record the reviewed answer with a note; coordinators do the same at audit. Everyone
    else who may see the participant reads the answers.

    Template: assessments/answer_section.html
    Context: participant, section, forms (QuestionForm each, with `.self_assessed`), mode,
    next_url, breadcrumbs
    """
    participant = _participant(request, cycle, organisation)
    tree = cycle_instrument(cycle=participant.cycle)
    section_row = next((s for s in tree.instrument.sections.all() if s.code == section), None)
    if section_row is None:
        raise Http404(_("There is no such section."))
    mode = _mode(request.user, participant)
    questions = [q for q in tree.instrument.questions.all() if q.section_id == section_row.pk]
    answers = {a.question_id: a for a in participant.answers.all()}
    self_assessed = {}
    if mode in ("review", "audit"):
        for row in AnswerHistory.objects.filter(participant=participant,
                                                stage=Stage.SELF_ASSESSMENT).order_by(
                "changed_at", "id"):
            self_assessed[row.question_id] = row
    data = request.POST if request.method == "POST" and mode else None
    forms_ = []
    for question in questions:
        method = tree.question(question.code)
        form = QuestionForm(data, question=question, method=method,
                            answer=answers.get(question.pk), with_note=mode in ("review",
                                                                                 "audit"))
        earlier = self_assessed.get(question.pk)
        form.self_assessed = earlier and {
            "label": value_label(question=method, value=earlier.new_value,
                                 not_applicable=earlier.new_not_applicable),
            "row": earlier}
        forms_.append(form)
    sections = list(tree.instrument.sections.all())
    position = sections.index(section_row)
    next_url = (_url("answer_section", participant, section=sections[position + 1].code)
                if position + 1 < len(sections) else _url("participant_home", participant))
    if data is not None and all(form.is_valid() for form in forms_):
        try:
            for form in forms_:
                value, not_applicable = form.cleaned_value
                answer_record(
                    participant=participant, question=form.question, value=value,
                    not_applicable=not_applicable,
                    evidence_url=form.cleaned_data["evidence_url"],
                    evidence_page=form.cleaned_data["evidence_page"],
                    evidence_quote=form.cleaned_data["evidence_quote"],
                    note=form.cleaned_data.get("note", ""), user=request.user)
        except ValidationError as error:
            forms_[0].add_error(None, error)
        else:
            messages.success(request, _("Your answers to “%(section)s” were saved.")
                             % {"section": section_row.title})
            return redirect(next_url)
    return render(request, "assessments/answer_section.html", {
        "participant": participant, "section": section_row, "forms": forms_, "mode": mode,
        "number": position + 1, "total": len(sections), "next_url": next_url,
        "breadcrumbs": _crumbs(participant),
    }, status=400 if data is not None else 200)


@login_required
def reply(request: HttpRequest, cycle: str, organisation: str) -> HttpResponse:
    """
    The right of reply: each answer changed in review, with the reviewer's note; the
    organisation agrees, or disagrees with a reason and evidence.

    Template: assessments/reply.html
    Context: participant, items (changed answer, form, labels), can_reply, breadcrumbs
    """
    participant = _participant(request, cycle, organisation)
    can_reply = request.user.has_perm("assessments.reply_participant", participant)
    tree = cycle_instrument(cycle=participant.cycle)
    replies = {r.question_id: r for r in Reply.objects.filter(participant=participant)}
    data = request.POST if request.method == "POST" and can_reply else None
    items = []
    for changed in changed_answers(participant=participant):
        method = tree.question(changed.question.code)
        existing = replies.get(changed.question.pk)
        initial = {}
        if existing:
            initial = {"agrees": "yes" if existing.agrees else "no", "text": existing.text,
                       "evidence_url": existing.evidence_url,
                       "evidence_page": existing.evidence_page,
                       "evidence_quote": existing.evidence_quote}
        items.append({
            "changed": changed, "reply": existing,
            "form": ReplyForm(data, prefix=changed.question.code, initial=initial),
            "before": value_label(question=method, value=changed.self_value,
                                  not_applicable=changed.self_not_applicable),
            "after": value_label(question=method, value=changed.value,
                                 not_applicable=changed.not_applicable),
        })
    if data is not None and all(item["form"].is_valid() for item in items):
        try:
            for item in items:
                cleaned = item["form"].cleaned_data
                services.reply_record(
                    participant=participant, question=item["changed"].question,
                    agrees=cleaned["agrees"] == "yes", text=cleaned["text"],
                    evidence_url=cleaned["evidence_url"],
                    evidence_page=cleaned["evidence_page"],
                    evidence_quote=cleaned["evidence_quote"], user=request.user)
        except ValidationError as error:
            items[0]["form"].add_error(None, error)
        else:
            messages.success(request, _("Your replies were saved."))
            return redirect(_url("participant_home", participant))
    return render(request, "assessments/reply.html", {
        "participant": participant, "items": items, "can_reply": can_reply,
        "forms": [item["form"] for item in items], "breadcrumbs": _crumbs(participant),
    }, status=400 if data is not None else 200)


@login_required
def history(request: HttpRequest, cycle: str, organisation: str) -> HttpResponse:
    """
    Every change to every answer, across stages (who, when, from what to what, evidence and
    note), and the organisation's replies. For its members, reviewers and coordinators only.

    Template: assessments/history.html
    Context: participant, rows, replies, breadcrumbs
    """
    participant = _participant(request, cycle, organisation)
    tree = cycle_instrument(cycle=participant.cycle)
    rows = []
    for row in (AnswerHistory.objects.filter(participant=participant)
                .select_related("question", "changed_by").order_by("-changed_at", "-id")):
        method = tree.question(row.question.code)
        rows.append({"row": row,
                     "old": "" if row.created else value_label(
                         question=method, value=row.old_value,
                         not_applicable=row.old_not_applicable),
                     "new": value_label(question=method, value=row.new_value,
                                        not_applicable=row.new_not_applicable)})
    return render(request, "assessments/history.html", {
        "participant": participant, "rows": rows,
        "replies": Reply.objects.filter(participant=participant).select_related(
            "question", "replied_by"),
        "breadcrumbs": _crumbs(participant),
    })


@login_required
@require_POST
def move(request: HttpRequest, cycle: str, organisation: str) -> HttpResponse:
    """Move a participant to the stage in the form's `to` (POST), then back to its page."""
    participant = _participant(request, cycle, organisation)
    to = request.POST.get("to", "")
    if to not in Stage.values or not may_move(request.user, participant, to):
        raise Http404(_("There is no such move."))
    try:
        services.stage_advance(participant=participant, to=to, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(organisation)s moved to %(stage)s.") % {
            "organisation": participant.organisation.name, "stage": Stage(to).label.lower()})
    return redirect(_url("participant_home", participant))


def _coordinated_cycle(request: HttpRequest, slug: str) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("instrument"), slug=slug)
    if not request.user.has_perm("assessments.manage_cycle", cycle):
        raise Http404(_("There is no such cycle."))
    return cycle


@login_required
def progress(request: HttpRequest, cycle: str) -> HttpResponse:
    """
    For the cycle's coordinators: how many organisations are at each stage, each with its
    reviewers and answers; a form assigning reviewers in bulk; publication.

    Template: assessments/progress.html
    Context: cycle, progress (from selectors.cycle_progress), form (AssignForm), breadcrumbs
    """
    cycle_ = _coordinated_cycle(request, cycle)
    state = cycle_progress(cycle=cycle_)
    form = AssignForm(request.POST if request.method == "POST" else None,
                      participants=state["participants"])
    if form.is_bound and form.is_valid():
        try:
            summary = services.reviewers_assign_bulk(cycle=cycle_, assignments=form.pairs(),
                                                     assigned_by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, " ".join((
                ngettext("%(num)s review assigned", "%(num)s reviews assigned",
                         summary.created) % {"num": summary.created},
                ngettext("(%(num)s was already assigned).", "(%(num)s were already assigned).",
                         summary.existing) % {"num": summary.existing})))
            return redirect("assessments:progress", cycle=cycle_.slug)
    return render(request, "assessments/progress.html", {
        "cycle": cycle_, "progress": state, "form": form,
        "breadcrumbs": [{"text": _("Home"), "href": reverse("core:home")},
                        {"text": _("Your assessments"), "href": reverse("assessments:yours")}],
    }, status=400 if form.is_bound else 200)


@login_required
@require_POST
def publish(request: HttpRequest, cycle: str) -> HttpResponse:
    """Publish the cycle (coordinators, POST), then back to the progress page."""
    cycle_ = _coordinated_cycle(request, cycle)
    try:
        services.cycle_publish(cycle=cycle_, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The cycle is published."))
    return redirect("assessments:progress", cycle=cycle_.slug)
