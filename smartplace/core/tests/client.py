"""
The test client every test uses (the `client` fixture in the root conftest.py).

Django's `response.json()` reads `response.content`, which a streamed response does not have.
The `.json` twins stream, so this client's `json()` reads the stream once, joined, and parses
it; everything else is Django's client unchanged.
"""

from __future__ import annotations

import json

from django.test import Client


def body_bytes(response) -> bytes:
    """A response's whole body: its content, or its stream joined (which reads the stream)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


class StreamingClient(Client):
    """Django's test client, whose `response.json()` also reads a streamed response."""

    def _parse_json(self, response, **extra):
        if not getattr(response, "streaming", False):
            return super()._parse_json(response, **extra)
        if not hasattr(response, "_json"):
            content_type = response.get("Content-Type", "")
            if not content_type.startswith("application/json"):
                raise ValueError(
                    f'Content-Type header is "{content_type}", not "application/json"')
            response._json = json.loads(body_bytes(response).decode(response.charset), **extra)
        return response._json
