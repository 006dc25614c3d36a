"""The strategy lab: what a betting rule does to a bankroll, exactly where it can be, simulated where it
must be. Pure: no I/O.

- ``base``: the rule contract (stakes in integer cents and cash-outs each round, vectorized across
  paths); one rule per module (``flat``, ``martingale``, ``paroli``, ``dalembert``, ``fibonacci``,
  ``two_bet``, ``percent``), all in ``registry``;
- ``laws``: where rounds come from (the game's law, recorded rounds in order, or drawn from them);
- ``session``: bankroll, round limit, stops, and how a session ends (ruin: the next stake exceeds the
  bankroll);
- ``simulate``: Monte Carlo over many paths; ``exact``: the dynamic programme over (bankroll, level);
- ``summary``: intervals, quantiles and the Wald check; ``replay``: one recorded history round by
  round; ``overfit``: the search on one part of a history reported on the rest;
- ``schema`` and ``run``: the request and result models and ``run_strategy``, shared by the CLI and
  the server.
"""
