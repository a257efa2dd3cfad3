"""The insights pages of parts 1–2: gaps and overlaps."""

from django.urls import path

from smartplace.core.formats import twin_paths
from smartplace.insights import views_gaps, views_overlaps

C = "coalitions/<slug:slug>"
I = f"{C}/initiatives/<slug:initiative>"  # noqa: E741

urlpatterns = [
    *twin_paths(f"{C}/gaps", views_gaps.gaps, "gaps"),
    *twin_paths(f"{C}/overlaps", views_overlaps.overlaps, "overlaps"),
    path(f"{C}/overlaps/dismiss/", views_overlaps.overlap_dismiss_view, name="overlap_dismiss"),
    path(f"{C}/overlaps/undo/", views_overlaps.overlap_undismiss_view,
         name="overlap_undismiss"),
    path(f"{C}/overlaps/method/", views_overlaps.overlaps_method, name="overlaps_method"),
    *twin_paths(f"{I}/similar", views_overlaps.similar, "similar"),
]
