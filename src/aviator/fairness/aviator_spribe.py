"""Spribe Aviator: the server seed's commitment and a round's combined hash, as Spribe shows them.

Before a round Spribe shows sha256(server_seed). After it, the round's hash is the SHA-512 of the
server seed followed by the first three players' client seeds, with no separator; the verification
window shows its first 13 hex characters and their decimal value. How that decimal becomes the
multiplier is not published, so a check here never reports a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aviator.fairness.hashing import parse_hex, sha256_hex, sha512_hex
from aviator.fairness.records import JsonRecord

CLIENT_SEED_COUNT = 3
AVIATOR_NOTE = (
    "Spribe does not publish how the hash becomes the multiplier; this check confirms the server "
    "seed's SHA-256 commitment and the round's SHA-512 hash, and reports no result."
)


def check_seeds(server_seed: str, client_seeds: Sequence[str]) -> tuple[str, str, str]:
    """The three client seeds as a tuple; ValueError if the seeds are not a server seed and three."""
    if not server_seed:
        raise ValueError("server seed is empty")
    if isinstance(client_seeds, str) or len(client_seeds) != CLIENT_SEED_COUNT:
        count = 1 if isinstance(client_seeds, str) else len(client_seeds)
        raise ValueError(f"an Aviator round has {CLIENT_SEED_COUNT} client seeds, got {count}")
    if any(not seed for seed in client_seeds):
        raise ValueError("a client seed is empty")
    return (client_seeds[0], client_seeds[1], client_seeds[2])


def server_hash(server_seed: str) -> str:
    """The commitment shown before the round: hex SHA-256 of the server seed."""
    return sha256_hex(server_seed)


def combined_hash(server_seed: str, client_seeds: Sequence[str]) -> str:
    """The round's hash: SHA-512 of server seed + client seed 1 + 2 + 3 (no separators, no nonce)."""
    seeds = check_seeds(server_seed, client_seeds)
    return sha512_hex(server_seed + "".join(seeds))


def hex13(hash_hex: str) -> str:
    """The first 13 hex characters (52 bits) of a hash, as Spribe's window shows them."""
    return parse_hex(hash_hex, name="hash")[:13]


def hex13_decimal(hash_hex: str) -> int:
    """The decimal value of the first 13 hex characters."""
    return int(hex13(hash_hex), 16)


@dataclass(frozen=True)
class AviatorCheck(JsonRecord):
    """A Spribe round's hashes recomputed; ``server_hash_ok`` is None when no hash was given."""

    server_seed: str
    client_seeds: tuple[str, ...]
    server_hash_expected: str | None
    server_hash_computed: str
    server_hash_ok: bool | None
    combined_hash: str
    hex13: str
    decimal: int
    result: None = None
    note: str = AVIATOR_NOTE


def verify_aviator(
    server_seed: str, client_seeds: Sequence[str], server_hash_expected: str | None = None
) -> AviatorCheck:
    """Recompute a Spribe round's hashes and compare the commitment if one is given."""
    seeds = check_seeds(server_seed, client_seeds)
    expected = (
        None
        if server_hash_expected is None
        else parse_hex(server_hash_expected, name="server hash", length=64)
    )
    computed = server_hash(server_seed)
    combined = combined_hash(server_seed, seeds)
    return AviatorCheck(
        server_seed=server_seed,
        client_seeds=seeds,
        server_hash_expected=expected,
        server_hash_computed=computed,
        server_hash_ok=None if expected is None else expected == computed,
        combined_hash=combined,
        hex13=combined[:13],
        decimal=int(combined[:13], 16),
    )
