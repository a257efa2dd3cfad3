from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from smartplace.accounts import signin_urls
from smartplace.core.sitemaps import SITEMAPS

# The admin signs in through /sign-in/ too (codes, rate limits, multi-factor authentication).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    # The public pages for search engines, both languages in one file (core/sitemaps.py).
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    *signin_urls.before_allauth,
    path("accounts/", include("allauth.urls")),
    path("", include("smartplace.api.urls")),
    # The data downloads (files, zips, the DCAT catalogue, the SQLite file): stable addresses.
    path("", include("smartplace.opendata.file_urls")),
]

# The pages, in English at their addresses and in Welsh under /cy/ (docs/translation.md). The
# admin, allauth's other addresses, the API and its documentation page, and the data downloads
# above have no language prefix.
# Signing in (and allauth's multi-factor pages) come first: after allauth.urls, so their names
# give smartplace's addresses, and under /cy/ for a Welsh sign-in.
urlpatterns += i18n_patterns(
    *signin_urls.urlpatterns,
    path("", include("smartplace.accounts.urls")),
    path("", include("smartplace.core.urls")),
    path("", include("smartplace.places.urls")),
    path("", include("smartplace.frameworks.urls")),
    path("", include("smartplace.organisations.urls")),
    path("", include("smartplace.coalitions.urls")),
    path("", include("smartplace.rounds.urls")),
    path("", include("smartplace.people.urls")),
    path("", include("smartplace.instruments.urls")),
    path("", include("smartplace.assessments.urls")),
    path("", include("smartplace.insights.urls")),
    path("", include("smartplace.opendata.urls")),
    path("", include("smartplace.api.token_urls")),
    prefix_default_language=False,
)

# GOV.UK pages in the page's language for refused requests (docs/security.md).
handler400 = "smartplace.core.views.bad_request"
handler403 = "smartplace.core.views.permission_denied"
handler404 = "smartplace.core.views.not_found"
handler500 = "smartplace.core.views.server_error"
