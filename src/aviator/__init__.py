"""Aviator Predictor: a real-time predictor and honest analyzer for crash games."""

from __future__ import annotations

__version__ = "0.1.0"
