"""Fitness assessment rounds: the list, one round with its consolidated results, ratings."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["rounds"])
