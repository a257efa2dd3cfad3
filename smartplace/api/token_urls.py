"""
A signed-in person's API tokens (namespace "api-tokens"): a page of the site, which the root
URLconf includes in `i18n_patterns` (in Welsh under /cy/), unlike the API and its
documentation page (`urls.py`).
"""

from django.urls import path

from smartplace.api import views

app_name = "api-tokens"

urlpatterns = [
    path("account/api-tokens/", views.token_list, name="token_list"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
