"""
Everything under /coalitions/: the coalition's map (with its smart questions), its initiatives,
people and membership.
"""

from django.urls import path

from smartplace.coalitions import views
from smartplace.coalitions.feeds import CoalitionInitiativesFeed
from smartplace.core.formats import twin_paths
from smartplace.frameworks import question_views
from smartplace.initiatives import edit_views, import_views
from smartplace.initiatives import views as initiative_views
from smartplace.people import membership_views
from smartplace.people import views as people_views

app_name = "coalitions"

C = "coalitions/<slug:slug>"

urlpatterns = [
    *twin_paths("coalitions", views.coalition_list, "coalition_list"),
    *twin_paths(C, views.coalition_detail, "coalition_detail"),
    *twin_paths(f"{C}/domains/<slug:domain>", views.domain_detail, "domain_detail"),
    *twin_paths(f"{C}/domains/<slug:domain>/<slug:subdomain>", views.subdomain_detail,
                "subdomain_detail"),
    path(f"{C}/domains/<slug:domain>/questions/propose/", question_views.question_propose,
         name="question_propose"),
    path(f"{C}/domains/<slug:domain>/questions/<int:question>/support/",
         question_views.question_support, name="question_support"),
    path(f"{C}/domains/<slug:domain>/questions/<int:question>/decide/",
         question_views.question_decide, name="question_decide"),
    *twin_paths(f"{C}/initiatives", initiative_views.initiative_list, "initiative_list"),
    path(f"{C}/initiatives/feed.atom", CoalitionInitiativesFeed(), name="initiative_feed"),
    path(f"{C}/initiatives/add/", edit_views.initiative_create, name="initiative_create"),
    path(f"{C}/initiatives/import/", import_views.initiative_import, name="initiative_import"),
    *twin_paths(f"{C}/initiatives/<slug:initiative>", initiative_views.initiative_detail,
                "initiative_detail"),
    path(f"{C}/initiatives/<slug:initiative>/edit/", edit_views.initiative_edit,
         name="initiative_edit"),
    *twin_paths(f"{C}/organisations", views.coalition_organisation_list,
                "coalition_organisation_list"),
    *twin_paths(f"{C}/people", people_views.people_list, "people_list"),
    path(f"{C}/join/", membership_views.join, name="join"),
    path(f"{C}/leave/", membership_views.leave, name="leave"),
]
