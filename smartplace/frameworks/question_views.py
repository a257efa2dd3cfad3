"""
The smart questions journey on a coalition's domain page: members propose questions and support
others' proposals; the domain's lead or a coordinator agrees or declines them.

The domain page (`coalitions.views.domain_detail`) lists the questions with these forms; the
views here take the forms' posts. A question someone may not see (a declined one, for anyone but
the coalition's members) is "not found" (404), as is a question of another domain; anyone not
signed in is sent to sign in; signed-in people who may not act get a 403 page saying who may.
Everything works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartplace.coalitions.models import Coalition
from smartplace.coalitions.selectors import domain_get
from smartplace.frameworks.forms import QuestionDecideForm, QuestionProposeForm
from smartplace.frameworks.models import Domain, SmartQuestion
from smartplace.frameworks.questions import (
    smart_question_decide,
    smart_question_propose,
    smart_question_support,
    smart_question_support_withdraw,
)
from smartplace.initiatives.views import coalition_context, coalition_or_404
from smartplace.people.membership_views import not_a_member


def _domain_or_404(coalition: Coalition, slug: str) -> Domain:
    try:
        domain = domain_get(coalition=coalition, slug=slug)
    except Domain.DoesNotExist as error:
        raise Http404(_("This coalition has no domain at this address.")) from error
    domain.framework = coalition.framework
    coalition.framework.coalition = coalition
    return domain


def _question_or_404(request: HttpRequest, domain: Domain, pk: int) -> SmartQuestion:
    """The domain's question `pk`, if the user may see it; else "not found"."""
    question = SmartQuestion.objects.filter(pk=pk, domain=domain).first()
    if question is not None:
        question.domain = domain
    if question is None or not request.user.has_perm("frameworks.view_question", question):
        raise Http404(_("There is no smart question at this address."))
    return question


def domain_url(coalition: Coalition, domain: Domain, question: SmartQuestion | None = None
               ) -> str:
    """The domain page, at the question when there is one."""
    url = reverse("coalitions:domain_detail", kwargs={"slug": coalition.slug,
                                                      "domain": domain.slug})
    return f"{url}#question-{question.pk}" if question is not None else url


def _context(request: HttpRequest, coalition: Coalition, domain: Domain, **extra) -> dict:
    return {**coalition_context(request, coalition,
                                {"text": domain.name, "href": domain_url(coalition, domain)}),
            "domain": domain, **extra}


def question_propose(request: HttpRequest, slug: str, domain: str, **kwargs) -> HttpResponse:
    """
    Propose a smart question for a domain (active members of the coalition).

    The domain page carries the same form and posts it here; this page shows it on its own,
    and again with the error summary when something is wrong (400).

    Template: frameworks/question_propose.html
    Context: coalition, domain, form, breadcrumbs
    """
    coalition = coalition_or_404(slug)
    domain_obj = _domain_or_404(coalition, domain)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("frameworks.propose_question", coalition):
        return not_a_member(request, coalition=coalition, action=_("propose smart questions"))
    form = QuestionProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            question = smart_question_propose(domain=domain_obj, user=request.user,
                                              text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)  # a field's error goes to that field
        else:
            messages.success(request, _("Your question has been proposed. Other members can "
                                        "now support it."))
            return redirect(domain_url(coalition, domain_obj, question))
    return render(request, "frameworks/question_propose.html",
                  _context(request, coalition, domain_obj, form=form),
                  status=400 if form.is_bound else 200)


@require_POST
def question_support(request: HttpRequest, slug: str, domain: str, question: int,
                     **kwargs) -> HttpResponse:
    """
    Support a proposed question (`support=yes`), or withdraw your support (`support=no`), then
    back to the domain page at the question, with a message saying what happened.
    """
    coalition = coalition_or_404(slug)
    domain_obj = _domain_or_404(coalition, domain)
    item = _question_or_404(request, domain_obj, question)
    if not request.user.is_authenticated:
        return redirect_to_login(domain_url(coalition, domain_obj, item))
    choice = request.POST.get("support")
    if choice not in ("yes", "no"):
        return HttpResponseBadRequest(_("Say whether you support the question (yes or no)."))
    if item.status != SmartQuestion.Status.PROPOSED:
        messages.info(request, _("This question has been %(status)s, so its support can no "
                                 "longer change.") % {"status": item.get_status_display().lower()})
        return redirect(domain_url(coalition, domain_obj, item))
    if not request.user.has_perm("frameworks.support_question", item):
        return not_a_member(request, coalition=coalition, action=_("support smart questions"))
    try:
        if choice == "yes":
            smart_question_support(question=item, user=request.user)
            messages.success(request, _("You support “%(question)s”") % {"question": item.text})
        elif smart_question_support_withdraw(question=item, user=request.user):
            messages.success(request, _("You no longer support “%(question)s”")
                             % {"question": item.text})
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    return redirect(domain_url(coalition, domain_obj, item))


def question_decide(request: HttpRequest, slug: str, domain: str, question: int,
                    **kwargs) -> HttpResponse:
    """
    Agree or decline a proposed question (the lead of its domain, a coordinator of its
    coalition, or a superuser). A question already agreed or declined goes back to the domain
    page with a message.

    Template: frameworks/question_decide.html
    Context: coalition, domain, question, form, breadcrumbs
    """
    coalition = coalition_or_404(slug)
    domain_obj = _domain_or_404(coalition, domain)
    item = _question_or_404(request, domain_obj, question)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if item.status != SmartQuestion.Status.PROPOSED:
        messages.info(request, _("This question has already been %(status)s.")
                      % {"status": item.get_status_display().lower()})
        return redirect(domain_url(coalition, domain_obj, item))
    if not request.user.has_perm("frameworks.agree_question", item):
        if not request.user.has_perm("frameworks.propose_question", coalition):
            return not_a_member(request, coalition=coalition,
                                action=_("agree or decline smart questions"))
        return render(request, "frameworks/question_not_allowed.html",
                      _context(request, coalition, domain_obj, question=item), status=403)
    form = QuestionDecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["decision"] == "agree"
        try:
            item = smart_question_decide(question=item, user=request.user, agree=agree)
        except PermissionDenied:
            return render(request, "frameworks/question_not_allowed.html",
                          _context(request, coalition, domain_obj, question=item), status=403)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = (_("You agreed “%(question)s”") if agree
                    else _("You declined “%(question)s”")) % {"question": item.text}
            messages.success(request, text)
            return redirect(domain_url(coalition, domain_obj, item))
    return render(request, "frameworks/question_decide.html",
                  _context(request, coalition, domain_obj, question=item, form=form,
                           supporters=item.supports.count()),
                  status=400 if form.is_bound else 200)
