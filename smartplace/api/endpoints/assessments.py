"""Instruments, assessment cycles, their published scores and benchmarks, and answers."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assessments"])
