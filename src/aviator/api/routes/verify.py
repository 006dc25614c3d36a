"""Provably-fair checks over HTTP, the same as ``aviator verify``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field

from aviator.api.deps import ServerDep, bearer, token_ok
from aviator.api.errors import errors
from aviator.core.errors import InvalidInput
from aviator.fairness import (
    BUSTABIT_V2_SALT,
    STAKE_CRASH_SALT,
    AviatorCheck,
    CrashCheck,
    verify_aviator,
    verify_bustabit,
    verify_chain,
    verify_stake_crash,
)

router = APIRouter(prefix="/api/verify", tags=["verify"])


class AviatorIn(BaseModel):
    server_seed: str = Field(min_length=1)
    client_seeds: list[str] = Field(min_length=3, max_length=3)
    server_hash: str | None = None


class HashIn(BaseModel):
    hash: str
    salt: str | None = None


class ChainCheckOut(BaseModel):
    game_hash: str
    tip: str
    max_steps: int
    steps: int | None = Field(description="Hashings from the game hash to the tip (None: not reached).")
    ok: bool


#: Hashings a chain check may take without the API token (a few tenths of a second), and with it.
OPEN_STEP_CAP = 200_000
TOKEN_STEP_CAP = 10_000_000


class ChainIn(BaseModel):
    hash: str
    tip: str
    max_steps: int = Field(
        100_000,
        ge=1,
        le=TOKEN_STEP_CAP,
        description=f"At most {OPEN_STEP_CAP:,} without the API token, {TOKEN_STEP_CAP:,} with it.",
    )


T = TypeVar("T")


def _checked(call: Callable[..., T], *args: Any) -> T:
    try:
        return call(*args)
    except ValueError as exc:
        raise InvalidInput(str(exc), "bad_input") from None


@router.post(
    "/aviator",
    summary="Spribe Aviator: server-seed commitment and combined SHA-512 hash",
    responses=errors(400, 422),
)
async def aviator(body: AviatorIn) -> AviatorCheck:
    return _checked(verify_aviator, body.server_seed, body.client_seeds, body.server_hash)


@router.post("/bustabit", summary="bustabit v2: the result of a game hash", responses=errors(400, 422))
async def bustabit(body: HashIn) -> CrashCheck:
    return _checked(verify_bustabit, body.hash, body.salt or BUSTABIT_V2_SALT)


@router.post("/stake-crash", summary="Stake crash: the result of a game hash", responses=errors(400, 422))
async def stake_crash(body: HashIn) -> CrashCheck:
    return _checked(verify_stake_crash, body.hash, body.salt or STAKE_CRASH_SALT)


@router.post(
    "/chain",
    summary="Steps from a game hash to a published terminating hash (in the heavy-work pool)",
    responses=errors(400, 422, 429, 503),
)
async def chain(
    server: ServerDep,
    body: ChainIn,
    authorization: Annotated[str | None, Header()] = None,
    x_api_token: Annotated[str | None, Header()] = None,
) -> ChainCheckOut:
    trusted = bool(server.settings.api_token) and token_ok(
        server.settings.api_token, bearer(authorization, x_api_token)
    )
    if body.max_steps > OPEN_STEP_CAP and not trusted:
        raise InvalidInput(
            f"max_steps={body.max_steps:,}: at most {OPEN_STEP_CAP:,} hashings without the API token",
            "too_many_steps",
        )
    _checked(verify_chain, body.hash, body.tip, 0)  # bad hashes are refused here, not in the pool
    check = await server.heavy.run(
        "the chain check", _checked, verify_chain, body.hash, body.tip, body.max_steps
    )
    return ChainCheckOut(**check.to_json())
