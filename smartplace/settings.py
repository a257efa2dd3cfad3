"""
Settings, all read from the environment (see `.env.example`).

Production is the default: DEBUG is off and DJANGO_SECRET_KEY is required. The demo and
development set DJANGO_DEBUG=true, which allows a throwaway secret key.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

env = environ.Env()
if (PROJECT_DIR / ".env").exists():
    environ.Env.read_env(PROJECT_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production refuses to start without a secret key; "
            "set DJANGO_DEBUG=true for local development and the demo."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-true"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "smartplace.core",
    "smartplace.accounts",
    "smartplace.places",
    "smartplace.frameworks",
    "smartplace.organisations",
    "smartplace.coalitions",
    "smartplace.people",
    "smartplace.initiatives",
    "smartplace.api",
    "smartplace.opendata",
    "smartplace.instruments",
    "smartplace.demo",
    "smartplace.rounds",
    "smartplace.assessments",
    "smartplace.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view (or the CSRF check) reads the body: 413 for oversized requests.
    "smartplace.accounts.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # An OpenID Connect provider that cannot be reached: 502 and a clear page (docs/accounts.md).
    "smartplace.accounts.middleware.OIDCUnreachableMiddleware",
    # Who made a change, for the audit history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Coordinators set up multi-factor authentication before anything else (docs/accounts.md).
    "smartplace.accounts.middleware.CoordinatorMFAMiddleware",
]

ROOT_URLCONF = "smartplace.urls"
# A form sent without a valid CSRF token (expired, or sent from another site): a GOV.UK page
# saying to go back, reload and try again, in the page's language (docs/security.md).
CSRF_FAILURE_VIEW = "smartplace.core.views.csrf_failure"
WSGI_APPLICATION = "smartplace.wsgi.application"

TEMPLATES = [
    {
        # Public pages: Jinja2, so GOV.UK Frontend's own macros (govuk-frontend-jinja) render the
        # components. See docs/adr/0002-jinja2-for-govuk-components.md. Django's backend, whose
        # templates mark the language of a page's main content (smartplace/core/page_language.py).
        "NAME": "jinja2",
        "BACKEND": "smartplace.core.page_language.Jinja2Backend",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "smartplace.core.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "smartplace.core.context_processors.site",
                "smartplace.accounts.context_processors.sign_in",
            ],
        },
    },
    {
        # The Django admin and other third-party templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{PROJECT_DIR / 'smartplace.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the start
    # of a transaction, so concurrent writers wait (busy timeout) instead of failing mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every process: allauth's sign-in rate limits must count across all the web
# server's workers and survive a restart, so the default is a table in the database (made by
# `migrate`, smartplace.core.apps). `SMARTPLACE_CACHE_URL` may name another shared cache
# (redis://…); a per-process one (locmemcache://) would multiply the limits by the workers.
CACHES = {"default": env.cache("SMARTPLACE_CACHE_URL", default="dbcache://smartplace_cache")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# /sign-in/ is allauth's "email me a sign-in code" page (smartplace/core/urls.py).
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in (django-allauth; docs/accounts.md). People sign in with a one-time code sent by email,
# or with their organisation's OpenID Connect provider. There are no passwords to sign in with.
ACCOUNT_ADAPTER = "smartplace.accounts.adapter.AccountAdapter"
# Codes are six digits: easy to read from a phone and type.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_SIGNUP_FORM_CLASS = "smartplace.accounts.forms.SignupDetailsForm"
# allauth's forms with GOV.UK error messages ("Enter your email address").
ACCOUNT_FORMS = {
    "request_login_code": "smartplace.accounts.signin_forms.RequestLoginCodeForm",
    "confirm_login_code": "smartplace.accounts.signin_forms.ConfirmLoginCodeForm",
    "confirm_email_verification_code":
        "smartplace.accounts.signin_forms.ConfirmEmailVerificationCodeForm",
    "signup": "smartplace.accounts.signin_forms.SignupForm",
}
MFA_FORMS = {
    "authenticate": "smartplace.accounts.signin_forms.MFAAuthenticateForm",
    "reauthenticate": "smartplace.accounts.signin_forms.MFAReauthenticateForm",
    "activate_totp": "smartplace.accounts.signin_forms.ActivateTOTPForm",
}
MFA_ADAPTER = "smartplace.accounts.adapter.MFAAdapter"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env.int("SMARTPLACE_SIGN_IN_CODE_MINUTES", default=10) * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 10 * 60
# Rate limits: per address (ip), per email address or code (key), per signed-in user (user).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key,10/h/key",
    "signup": "20/m/ip,50/h/ip",
    "confirm_email": "1/10s/key",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("SMARTPLACE_SITE_NAME", default="smartplace")
MFA_RATE_LIMITS = {"authenticate": "5/m/key,20/h/key"}
# Coordinators must set up multi-factor authentication (smartplace.accounts.middleware). On by
# default in production; development and the demo (DJANGO_DEBUG=true) leave it to the person.
SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS = env.bool(
    "SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS", default=not DEBUG)
# Invitations to join a coalition stay valid this many days.
SMARTPLACE_INVITATION_DAYS = env.int("SMARTPLACE_INVITATION_DAYS", default=14)


def _oidc_providers(raw: str) -> list[dict]:
    """
    SMARTPLACE_OIDC_PROVIDERS: a JSON list of OpenID Connect providers, each with provider_id,
    name, client_id, secret and server_url (the issuer), and optionally email_authentication
    (true only when the provider verifies email addresses). docs/accounts.md has the Entra ID
    example.
    """
    if not raw.strip():
        return []
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(
            f"SMARTPLACE_OIDC_PROVIDERS is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}") from None
    if not isinstance(items, list):
        raise ImproperlyConfigured("SMARTPLACE_OIDC_PROVIDERS must be a JSON list of providers")
    apps = []
    for number, item in enumerate(items, start=1):
        missing = [key for key in ("provider_id", "name", "client_id", "secret", "server_url")
                   if not isinstance(item, dict) or not item.get(key)]
        if missing:
            raise ImproperlyConfigured(
                f"SMARTPLACE_OIDC_PROVIDERS: provider {number} has no {', '.join(missing)}")
        settings_ = {"server_url": item["server_url"]}
        if item.get("email_authentication"):
            settings_["email_authentication"] = True
        apps.append({"provider_id": item["provider_id"], "name": item["name"],
                     "client_id": item["client_id"], "secret": item["secret"],
                     "settings": settings_})
    return apps


SMARTPLACE_OIDC_APPS = _oidc_providers(env("SMARTPLACE_OIDC_PROVIDERS", default=""))
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": SMARTPLACE_OIDC_APPS}}
SOCIALACCOUNT_ADAPTER = "smartplace.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MAILERS = {
    "default": {
        "BACKEND": env(
            "DJANGO_EMAIL_BACKEND",
            default="django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {
            "host": env("DJANGO_EMAIL_HOST", default="localhost"),
            "port": env.int("DJANGO_EMAIL_PORT", default=25),
            "username": env("DJANGO_EMAIL_HOST_USER", default=""),
            "password": env("DJANGO_EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
        }
        if not DEBUG
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="smartplace@localhost")

# Hardening (docs/security.md).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SMARTPLACE_SESSION_HOURS", default=12) * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds every subdomain of the registered domain for good: the domain's owner
    # decides (DJANGO_SECURE_HSTS_PRELOAD=true), so the deploy check's reminder is silenced.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy (Django's own): scripts only from this site or with the page's nonce;
# styles only from this site, so no inline style attributes; no framing; forms post here or to
# the configured sign-in providers. img-src allows data: for the QR code that sets up an
# authenticator app.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, *sorted({
        "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
        for app in SMARTPLACE_OIDC_APPS})],
}

# Uploads: a request whose body is bigger than SMARTPLACE_MAX_REQUEST_BYTES is refused with 413
# before a view reads it (smartplace.accounts.middleware.RequestSizeLimitMiddleware); form fields
# other than files may take DATA_UPLOAD_MAX_MEMORY_SIZE; each uploaded file is checked for size
# and type by smartplace.accounts.uploads.validate_upload.
SMARTPLACE_MAX_UPLOAD_BYTES = env.int("SMARTPLACE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
SMARTPLACE_MAX_REQUEST_BYTES = SMARTPLACE_MAX_UPLOAD_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# The site's name, shown in the header, and the default licence of everything it publishes.
SMARTPLACE_SITE_NAME = env("SMARTPLACE_SITE_NAME", default="smartplace")
SMARTPLACE_DEFAULT_LICENCE = {
    "name": "Open Government Licence v3.0",
    "id": "OGL-UK-3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
# HTML list pages show this many rows a page; .json and .csv twins without ?page= give all rows.
SMARTPLACE_PAGE_SIZE = env.int("SMARTPLACE_PAGE_SIZE", default=50)
# An initiative neither changed nor confirmed as current for this many days is flagged as
# possibly stale, and its owners and the coordinators get a digest (docs/insights-story.md).
SMARTPLACE_STALE_AFTER_DAYS = env.int("SMARTPLACE_STALE_AFTER_DAYS", default=180)
# How overlaps between initiatives are scored (docs/methods/similarity.md): "tfidf", or
# "semantic" (sentence embeddings; needs the `semantic` extra). After changing it, run
# `smartplace recompute-overlaps`; until then the pages show no pairs. Checked by
# `manage.py check` (smartplace.insights.overlaps.check_similarity_method).
SMARTPLACE_SIMILARITY_METHOD = env("SMARTPLACE_SIMILARITY_METHOD", default="tfidf")
# The address of this site, for links in emails sent by background tasks (no request there).
SMARTPLACE_BASE_URL = env("SMARTPLACE_BASE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# In development WhiteNoise serves files straight from the finders, picking up rebuilt assets.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
