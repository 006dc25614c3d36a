"""Hash chains (bustabit, Stake): the previous game's hash is the SHA-256 of this game's hex string.

A site publishes the chain's terminating hash (the tip) before play starts; any game hash can then be
checked by hashing it forward until the tip appears. For bustabit and Stake the number of steps is
the game's number.
"""

from __future__ import annotations

from aviator.fairness.fasthash import walk_chain
from aviator.fairness.hashing import parse_hex, sha256_hex
from aviator.fairness.records import ChainCheck

#: Both bustabit v2 and Stake crash chains hold 10,000,000 games.
DEFAULT_MAX_STEPS = 10_000_000


def previous_hash(game_hash: str) -> str:
    """The hash of the game before ``game_hash`` in its chain."""
    return sha256_hex(parse_hex(game_hash, name="game hash", length=64))


def is_chain_link(game_hash: str, previous: str) -> bool:
    """True if ``previous`` is the hash of the game just before ``game_hash``."""
    return previous_hash(game_hash) == parse_hex(previous, name="previous hash", length=64)


def steps_to_tip(game_hash: str, tip: str, max_steps: int = DEFAULT_MAX_STEPS) -> int | None:
    """How many hashings lead from ``game_hash`` to ``tip`` (at most ``max_steps``), else None."""
    if max_steps < 0:
        raise ValueError(f"max_steps must be >= 0, got {max_steps}")
    start = parse_hex(game_hash, name="game hash", length=64).encode("ascii")
    target = parse_hex(tip, name="tip", length=64).encode("ascii")
    return walk_chain(start, target, max_steps)


def verify_chain(game_hash: str, tip: str, max_steps: int = DEFAULT_MAX_STEPS) -> ChainCheck:
    """``steps_to_tip`` as a record."""
    steps = steps_to_tip(game_hash, tip, max_steps)
    return ChainCheck(
        game_hash=parse_hex(game_hash, name="game hash", length=64),
        tip=parse_hex(tip, name="tip", length=64),
        max_steps=max_steps,
        steps=steps,
    )
