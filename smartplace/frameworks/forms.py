"""Forms of the smart questions journey: propose a question, agree or decline one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartplace.frameworks.questions import QUESTION_MAX, smart_question_clean_text


class QuestionProposeForm(forms.Form):
    """A member's proposed smart question for a domain (tidied as the service stores it)."""

    text = forms.CharField(
        label=_("Your question"), max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A challenge for this domain that initiatives could answer, written as a "
                    "question, for example: “How do we get more start-ups to scale up?”"),
        error_messages={
            "required": _("Enter your question"),
            "max_length": _("Your question must be %(limit_value)s characters or fewer"),
        },
    )

    def clean_text(self) -> str:
        text = smart_question_clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Enter your question"), code="required")
        return text


class QuestionDecideForm(forms.Form):
    """The domain lead's or coordinator's decision on a proposed question."""

    decision = forms.ChoiceField(
        label=_("Should the domain group take on this question?"),
        choices=[("agree", _("Yes, agree it")),
                 ("decline", _("No, decline it"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether to agree or decline the question"),
            "invalid_choice": _("Select whether to agree or decline the question"),
        },
    )
