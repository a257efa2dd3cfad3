"""
What "an initiative with evidence" means, in one place (docs/insights-gaps.md, "Evidence
recorded").

An initiative **has evidence** when it records at least one thing that shows what it cost or
achieved:

- a money or emissions figure (`initiatives.Evidence`): capital cost, annual cost, annual
  savings or emission savings;
- an outcome measure with a result (`OutcomeMeasure.result`);
- a channel shift that moved at least one contact (`ChannelShift`);
- a lesson (`Lesson`).

An evidence record holding only a funding source, a lifetime, notes or how savings were
measured, an outcome with a baseline but no result, a channel shift of no contacts, reusable
assets and reuse links are not evidence of what the initiative achieved, so they do not count.
The gaps page ("With evidence"), the story's highlights and its "Initiatives with evidence"
figure all use `initiative_has_evidence`.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from smartplace.initiatives.models import Evidence
from smartplace.insights.models_evidence import ChannelShift, Lesson, OutcomeMeasure


def initiative_has_evidence() -> Q:
    """A filter on Initiative: those that have evidence, as the module docstring defines it."""
    here = OuterRef("pk")
    figures = (Q(capital_cost__isnull=False) | Q(annual_cost__isnull=False)
               | Q(annual_savings__isnull=False) | Q(emission_savings_tco2e__isnull=False))
    moved = Q(face_to_face_to_web__gt=0) | Q(face_to_face_to_phone__gt=0) | Q(phone_to_web__gt=0)
    return Q(Exists(Evidence.objects.filter(figures, initiative=here))
             | Exists(OutcomeMeasure.objects.filter(initiative=here, result__isnull=False))
             | Exists(ChannelShift.objects.filter(moved, initiative=here))
             | Exists(Lesson.objects.filter(initiative=here)))
