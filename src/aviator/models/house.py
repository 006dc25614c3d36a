"""The game's own odds: P(M >= x) = c/x. Every other model is measured against it."""

from __future__ import annotations

from typing import Any

import numpy as np

from aviator.core.baseline import BASELINE
from aviator.core.curve import FloatArray, clean_curve, house_survival
from aviator.models.base import Model


class HouseModel(Model):
    """The baseline: the published distribution, whatever came before."""

    name = BASELINE
    description = "The game's published odds P(M >= x) = RTP/x; the baseline every model is scored against."

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        return house_survival(self.params.rtp), {"rtp": self.params.rtp}

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        self.rounds_seen += stop - start
        return np.repeat(clean_curve(house_survival(self.params.rtp))[None, :], stop - start, axis=0)
