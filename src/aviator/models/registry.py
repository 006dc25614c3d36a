"""The registered models, by name."""

from __future__ import annotations

from collections.abc import Iterable

from aviator.core.baseline import BASELINE
from aviator.models.base import Model, ModelParams
from aviator.models.context import ContextTreeModel
from aviator.models.cycle import CycleModel
from aviator.models.drift import DriftModel
from aviator.models.empirical import EmpiricalModel
from aviator.models.ensemble import EnsembleModel
from aviator.models.heuristic import HeuristicModel
from aviator.models.house import HouseModel
from aviator.models.online import OnlineModel

MODEL_CLASSES: dict[str, type[Model]] = {
    cls.name: cls
    for cls in (
        HouseModel,
        EmpiricalModel,
        HeuristicModel,
        EnsembleModel,
        OnlineModel,
        ContextTreeModel,
        DriftModel,
        CycleModel,
    )
}


class UnknownModelError(KeyError):
    """A model name that is not registered; the message lists the known ones."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown model {self.name!r}; known models: {', '.join(known_models())}"


def known_models() -> list[str]:
    return list(MODEL_CLASSES)


def create_model(name: str, params: ModelParams | None = None) -> Model:
    try:
        cls = MODEL_CLASSES[name]
    except KeyError:
        raise UnknownModelError(name) from None
    return cls(params)


def create_models(names: Iterable[str] | None = None, params: ModelParams | None = None) -> dict[str, Model]:
    """Instances of the named models (all registered ones by default), house always first."""
    wanted = list(names) if names is not None else known_models()
    if BASELINE not in wanted:
        wanted.insert(0, BASELINE)
    return {name: create_model(name, params) for name in wanted}
