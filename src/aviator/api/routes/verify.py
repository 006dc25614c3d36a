"""Provably-fair checks over HTTP, the same as ``aviator verify``."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from aviator.fairness import (
    BUSTABIT_V2_SALT,
    STAKE_CRASH_SALT,
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


class ChainIn(BaseModel):
    hash: str
    tip: str
    max_steps: int = Field(100_000, ge=1, le=2_000_000)


def _checked(call: Any, *args: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = call(*args).to_json()
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return result


@router.post("/aviator", summary="Spribe Aviator: server-seed commitment and combined SHA-512 hash")
async def aviator(body: AviatorIn) -> dict[str, Any]:
    return _checked(verify_aviator, body.server_seed, body.client_seeds, body.server_hash)


@router.post("/bustabit", summary="bustabit v2: the result of a game hash")
async def bustabit(body: HashIn) -> dict[str, Any]:
    return _checked(verify_bustabit, body.hash, body.salt or BUSTABIT_V2_SALT)


@router.post("/stake-crash", summary="Stake crash: the result of a game hash")
async def stake_crash(body: HashIn) -> dict[str, Any]:
    return _checked(verify_stake_crash, body.hash, body.salt or STAKE_CRASH_SALT)


@router.post("/chain", summary="Steps from a game hash to a published terminating hash")
async def chain(body: ChainIn) -> dict[str, Any]:
    return await asyncio.to_thread(_checked, verify_chain, body.hash, body.tip, body.max_steps)
