"""The built-in simulator's provably-fair generator: Aviator's shape, with a published mapping.

This is this project's own choice, because Spribe does not publish its hash-to-multiplier step:

1. a fresh server seed (40 letters/digits from ``secrets``) is drawn and committed by its SHA-256
   (``server_hash``) before the round;
2. three client seeds (20 letters/digits each) stand in for the first three players' seeds;
3. the combined hash is SHA-512(server_seed + c1 + c2 + c3), exactly as Aviator forms it;
4. the multiplier uses the bustabit-style mapping at return to player c (default 0.97):
   X = int(sha512_hex[:13], 16) / 2**52; M = max(1.00, floor(100c / (1 - X)) / 100).

Then P(M >= m) = c/m for m >= 1.01 on the 0.01 grid and P(M = 1.00) = 1 - c/1.01, Aviator's
documented odds. Anyone can recompute a round from its revealed seeds with ``verify_simulated``.
"""

from __future__ import annotations

import random
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass, fields

from aviator.fairness.aviator_spribe import combined_hash, server_hash, verify_aviator
from aviator.fairness.bustabit import floor_mapping
from aviator.fairness.hashing import parse_hex
from aviator.fairness.records import JsonRecord

SEED_ALPHABET = string.ascii_letters + string.digits
SERVER_SEED_LENGTH = 40
CLIENT_SEED_LENGTH = 20
DEFAULT_RTP = 0.97


@dataclass(frozen=True)
class SimulatedRound(JsonRecord):
    server_seed: str
    server_hash: str
    client_seeds: tuple[str, ...]
    combined_hash: str
    hex13: str
    decimal: int
    multiplier: float


@dataclass(frozen=True)
class SimulatedCheck(JsonRecord):
    """A simulated round recomputed from its seeds; ``ok`` needs the multiplier and any given hash."""

    server_seed: str
    client_seeds: tuple[str, ...]
    server_hash_expected: str | None
    server_hash_computed: str
    server_hash_ok: bool | None
    combined_hash: str
    hex13: str
    decimal: int
    rtp: float
    multiplier_expected: float
    multiplier_computed: float
    multiplier_ok: bool
    ok: bool


def _check_rtp(rtp: float) -> float:
    if not 0 < rtp <= 1:
        raise ValueError(f"rtp must be in (0, 1], got {rtp}")
    return rtp


def simulated_multiplier(combined_hash: str, rtp: float = DEFAULT_RTP) -> float:
    """The simulator's multiplier for a combined SHA-512 hash (128 hex characters)."""
    text = parse_hex(combined_hash, name="combined hash", length=128)
    return floor_mapping(text[:13], 100 * _check_rtp(rtp))


def _seed(length: int, rng: random.Random | None) -> str:
    if rng is None:
        return "".join(secrets.choice(SEED_ALPHABET) for _ in range(length))
    return "".join(rng.choices(SEED_ALPHABET, k=length))


def simulate_round(rtp: float = DEFAULT_RTP, rng: random.Random | None = None) -> SimulatedRound:
    """A new round; seeds come from ``secrets`` unless an ``rng`` is given (reproducible tests)."""
    _check_rtp(rtp)
    seed = _seed(SERVER_SEED_LENGTH, rng)
    clients = (_seed(CLIENT_SEED_LENGTH, rng), _seed(CLIENT_SEED_LENGTH, rng), _seed(CLIENT_SEED_LENGTH, rng))
    combined = combined_hash(seed, clients)
    return SimulatedRound(
        server_seed=seed,
        server_hash=server_hash(seed),
        client_seeds=clients,
        combined_hash=combined,
        hex13=combined[:13],
        decimal=int(combined[:13], 16),
        multiplier=floor_mapping(combined[:13], 100 * rtp),
    )


def verify_simulated(
    server_seed: str,
    client_seeds: Sequence[str],
    server_hash_expected: str | None,
    multiplier: float,
    rtp: float = DEFAULT_RTP,
) -> SimulatedCheck:
    """Recompute a simulated round: the commitment (if given), the combined hash and the multiplier."""
    hashes = verify_aviator(server_seed, client_seeds, server_hash_expected)
    recomputed = simulated_multiplier(hashes.combined_hash, rtp)
    # Multipliers travel rounded to cents, so compare on the 0.01 grid.
    multiplier_ok = round(multiplier * 100) == round(recomputed * 100)
    shared = {f.name: getattr(hashes, f.name) for f in fields(SimulatedCheck) if hasattr(hashes, f.name)}
    return SimulatedCheck(
        **shared,
        rtp=rtp,
        multiplier_expected=multiplier,
        multiplier_computed=recomputed,
        multiplier_ok=multiplier_ok,
        ok=multiplier_ok and hashes.server_hash_ok is not False,
    )


def verify_round(round_: SimulatedRound, rtp: float = DEFAULT_RTP) -> SimulatedCheck:
    """``verify_simulated`` on a whole ``SimulatedRound``."""
    return verify_simulated(
        round_.server_seed, round_.client_seeds, round_.server_hash, round_.multiplier, rtp
    )
