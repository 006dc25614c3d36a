"""Honest evaluation: every forecast scored with a proper score, and skill measured against house.

- ``scores``: the scores of one forecast (or many at once) against the multiplier that happened.
- ``skill``: mean log-score difference to house, its 95% interval and a verdict in words.
- ``tracker``: the live, O(1)-per-round record of every model the engine keeps.
- ``calibration``: forecast vs observed frequency tables and the PNG plot.
- ``backtest`` / ``report``: the walk-forward backtest and what it returns.
"""
