from django.contrib import admin
from django.db.models import Q

from smartplace.core.admin import (
    CoalitionScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    coordinated_ids,
)
from smartplace.frameworks.models import Domain, FitnessLevel, Framework, SmartQuestion, SubDomain


class FitnessLevelInline(ScopedTabularInline):
    model = FitnessLevel
    fields = ["position", "slug", "name", "description", "name_cy", "description_cy"]
    extra = 0


class DomainInline(ScopedTabularInline):
    model = Domain
    fields = ["position", "slug", "name", "name_cy", "group"]
    extra = 0
    show_change_link = True


class SubDomainInline(ScopedTabularInline):
    model = SubDomain
    fields = ["position", "slug", "name", "description", "name_cy", "description_cy",
              "is_illustrative"]
    extra = 0


class SmartQuestionInline(ScopedStackedInline):
    model = SmartQuestion
    fields = ["text", "text_cy", "status", "position", "proposed_by", "decided_by", "decided_at"]
    # Who proposed and decided is the journey's record (the domain page); here it is shown.
    readonly_fields = ["proposed_by", "decided_by", "decided_at"]
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(CoalitionScopedAdmin):
    """
    Coordinators change their coalition's own copy of a framework and may look at the
    built-in ones (which nobody changes here: they are loaded from data files).
    """

    coordinator_actions = frozenset({"view", "change"})
    list_display = ["name", "version", "coalition", "is_builtin", "copied_from", "updated_at"]
    list_filter = ["is_builtin", ("coalition", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["copied_from"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [FitnessLevelInline, DomainInline]

    def shared_rows(self, request):
        return Q(coalition__isnull=True)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["slug", "coalition", "is_builtin", "copied_from", "copied_from_version"]
        return fields


@admin.register(Domain)
class DomainAdmin(CoalitionScopedAdmin):
    """A domain of a coalition's framework, with its sub-domains and smart questions."""

    coalition_path = "framework__coalition"
    coordinator_actions = frozenset({"view", "change", "add"})
    list_display = ["name", "framework", "group", "position"]
    list_filter = [("framework", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "framework__name"]
    list_select_related = ["framework"]
    inlines = [SubDomainInline, SmartQuestionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "framework" and not request.user.is_superuser:
            kwargs["queryset"] = Framework.objects.filter(
                coalition__in=coordinated_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SubDomain)
class SubDomainAdmin(CoalitionScopedAdmin):
    """Sub-domains, listed for searching (initiatives pick them by autocomplete)."""

    coalition_path = "domain__framework__coalition"
    coordinator_actions = frozenset({"view", "change"})
    list_display = ["name", "domain", "is_illustrative", "position"]
    list_filter = ["is_illustrative", ("domain__framework", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "domain__name"]
    list_select_related = ["domain"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("domain")
        return fields
