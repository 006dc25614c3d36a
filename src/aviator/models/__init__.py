"""Prediction models behind one contract (see ``aviator.models.base``)."""
