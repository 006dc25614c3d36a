"""Provably-fair checks per game family, hash-chain checks, and the simulator's generator.

- ``aviator_spribe``: Spribe Aviator's server-seed commitment and combined SHA-512 hash (its
  hash-to-multiplier step is unpublished, so no result is ever reported for it);
- ``bustabit``, ``stake``: published result-from-hash formulas (bustabit v2, Stake crash and limbo);
- ``chain``: steps from a game hash to a published terminating hash;
- ``simulator``: this project's generator (Aviator's hashes + a bustabit-style mapping at RTP c);
- ``last8``: a third-party UI's alternative scheme, kept only for checking such claims;
- ``batch``, ``batch_links``, ``batch_seeds``, ``batch_records``: whole files of games verified row by
  row (results, chain links, the tip; seeds and commitments), with ``fasthash`` and ``crash_schemes``
  for the speed it takes;
- ``candidates``: public candidate mappings for Aviator, each reported as matching or not (never as
  Spribe's formula).
"""

from __future__ import annotations

from aviator.fairness.aviator_spribe import (
    AVIATOR_NOTE,
    AviatorCheck,
    combined_hash,
    server_hash,
    verify_aviator,
)
from aviator.fairness.bustabit import BUSTABIT_V2_SALT, BUSTABIT_V2_TIP, bustabit_result, verify_bustabit
from aviator.fairness.chain import DEFAULT_MAX_STEPS, previous_hash, steps_to_tip, verify_chain
from aviator.fairness.last8 import Last8Result, last8_scheme
from aviator.fairness.records import ChainCheck, CrashCheck
from aviator.fairness.simulator import (
    SimulatedCheck,
    SimulatedRound,
    simulate_round,
    simulated_multiplier,
    verify_round,
    verify_simulated,
)
from aviator.fairness.stake import (
    STAKE_CRASH_SALT,
    STAKE_CRASH_TIP,
    stake_crash_result,
    stake_limbo_result,
    verify_stake_crash,
)

__all__ = [
    "AVIATOR_NOTE",
    "BUSTABIT_V2_SALT",
    "BUSTABIT_V2_TIP",
    "DEFAULT_MAX_STEPS",
    "STAKE_CRASH_SALT",
    "STAKE_CRASH_TIP",
    "AviatorCheck",
    "ChainCheck",
    "CrashCheck",
    "Last8Result",
    "SimulatedCheck",
    "SimulatedRound",
    "bustabit_result",
    "combined_hash",
    "last8_scheme",
    "previous_hash",
    "server_hash",
    "simulate_round",
    "simulated_multiplier",
    "stake_crash_result",
    "stake_limbo_result",
    "steps_to_tip",
    "verify_aviator",
    "verify_bustabit",
    "verify_chain",
    "verify_round",
    "verify_simulated",
    "verify_stake_crash",
]
