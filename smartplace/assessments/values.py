"""
Stored answers and the methods layer: answer values in normal form, and back.

An answer is stored as text in the grammar of answers files (docs/instruments.md), in normal
form, so that the same answer is always the same text and the published answers file can be
read back by `smartplace score`:

* yes/no, single choice, level: the option's code (`yes`, `quarterly`);
* multiple choice: option codes joined by `;`, in the order the question lists its options;
* number: exact normal form (`12`, `0.5`, `1/3`), from `instruments.files.format_exact`;
* text: the text, without surrounding spaces;
* blank: ``""``; "not applicable": a blank value with `not_applicable` set.
"""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext as _

from smartplace.instruments.answers import answer_parse
from smartplace.instruments.files import format_exact
from smartplace.methods import scoring as m

NOT_APPLICABLE_TEXT = "n/a"


def value_normal(*, question: m.Question, answer: m.Answer) -> tuple[str, bool]:
    """The stored form (value, not_applicable) of a methods-layer answer to `question`."""
    if answer.not_applicable:
        return "", True
    value = answer.value
    if value is None:
        return "", False
    if question.kind is m.QuestionKind.MULTIPLE_CHOICE:
        chosen = set(value)
        return ";".join(o.code for o in question.options if o.code in chosen), False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, Fraction):
        return format_exact(value), False
    return str(value).strip(), False


def value_parse(*, question: m.Question, text: str) -> tuple[str, bool]:
    """
    The stored form of `text` written as in an answers file (codes or labels, `n/a`, …).
    Raises ValueError with a message saying what is wrong.
    """
    return value_normal(question=question, answer=answer_parse(question=question, text=text))


def value_to_method(*, question: m.Question, value: str, not_applicable: bool) -> m.Answer:
    """The methods-layer answer of a stored value (normal form, so it always parses)."""
    if not_applicable:
        return m.Answer(question=question.code, not_applicable=True)
    return answer_parse(question=question, text=value)


def value_file_text(*, value: str, not_applicable: bool) -> str:
    """How a stored answer is written in an answers file: its value, or `n/a`."""
    return NOT_APPLICABLE_TEXT if not_applicable else value


def value_label(*, question: m.Question, value: str, not_applicable: bool) -> str:
    """A stored answer for people to read: option labels rather than codes."""
    if not_applicable:
        return _("Not applicable")
    if not value:
        return ""
    if question.kind in (m.QuestionKind.NUMBER, m.QuestionKind.TEXT):
        return value
    labels = []
    for code in value.split(";"):
        option = question.option(code)
        labels.append(option.label if option is not None and option.label else code)
    return "; ".join(labels)
