"""
The endpoint modules of API v1, in the order their operations appear in the schema.

To add a resource, write `smartplace/api/endpoints/<name>.py` with a `router`
(`ninja.Router`) whose operations follow the conventions in docs/api.md (cursor pages,
`check_query`, `api_user`, errors from `api.errors`), and add its dotted path here: that is
the only registration. The contract tests cover every operation in the schema.
"""

ENDPOINT_MODULES = [
    "smartplace.api.endpoints.account",
    "smartplace.api.endpoints.places",
    "smartplace.api.endpoints.frameworks",
    "smartplace.api.endpoints.organisations",
    "smartplace.api.endpoints.coalitions",
    "smartplace.api.endpoints.initiatives",
    "smartplace.api.endpoints.rounds",
    "smartplace.api.endpoints.instruments",
    "smartplace.api.endpoints.assessments",
    "smartplace.api.endpoints.assessment_answers",
]
