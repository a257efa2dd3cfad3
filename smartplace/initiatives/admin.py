from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartplace.core.admin import CoalitionScopedAdmin, ScopedStackedInline, ScopedTabularInline
from smartplace.initiatives.history import history_paused, history_record
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink
from smartplace.initiatives.services import RESERVED_SLUGS


class InitiativeLinkInline(ScopedTabularInline):
    model = InitiativeLink
    fields = ["url", "title"]
    extra = 0


class EvidenceInline(ScopedStackedInline):
    model = Evidence
    extra = 0
    max_num = 1
    readonly_fields = ["created_at", "updated_at"]


class InitiativeAdminForm(forms.ModelForm):
    """The admin's own form (it supplies the model and fields), refusing reserved slugs."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” is used in the addresses of pages: choose another slug"),
                params={"slug": slug})
        return slug


@admin.register(Initiative)
class InitiativeAdmin(CoalitionScopedAdmin):
    """Initiatives, with their links and evidence; coordinators see their coalitions' only."""

    form = InitiativeAdminForm
    list_display = ["title", "coalition", "status", "visibility", "lead_organisation",
                    "updated_at"]
    list_filter = [("coalition", admin.RelatedOnlyFieldListFilter), "status", "visibility"]
    search_fields = ["title"]
    list_select_related = ["coalition", "lead_organisation"]
    autocomplete_fields = ["lead_organisation", "partners", "subdomains", "people"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [InitiativeLinkInline, EvidenceInline]
    date_hierarchy = "updated_at"
    fieldsets = [
        (None, {"fields": ["coalition", "title", "slug", "description", "status",
                           ("start_date", "end_date"), "visibility"]}),
        (_("Who"), {"fields": ["lead_organisation", "partners", "people"]}),
        (_("Where it fits"), {"fields": ["subdomains"]}),
        (_("Record"), {"fields": ["source", "external_id", "created_by", "created_at",
                                  "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        with history_paused(obj):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Partners, people, sub-domains and links saved, the audit history gets one row."""
        with history_paused(form.instance):
            super().save_related(request, form, formsets, change)
        history_record(initiative=form.instance, created=not change, user=request.user)
