"""Provably fair: the verify form (Aviator, bustabit) and the check of a simulated round."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

VECTORS = Path(__file__).resolve().parents[1] / "data" / "fairness_vectors.json"


def test_the_aviator_vector_verifies(page: Page) -> None:
    vector = json.loads(VECTORS.read_text())["aviator_spribe"][0]
    page.fill("#v-server-seed", vector["server_seed"])
    for i, seed in enumerate(vector["client_seeds"], start=1):
        page.fill(f"#v-client-{i}", seed)
    page.click("#verify-submit")
    result = page.locator("#verify-result")
    expect(result).to_contain_text(vector["expected_hex13"])
    expect(result).to_contain_text(str(vector["expected_decimal"]))
    expect(result).to_contain_text(vector["expected_sha512"])
    expect(result).to_contain_text("Spribe does not publish")
    expect(page.locator("#verify-error")).to_be_empty()


def test_bustabit_and_stake_hashes_give_their_results_and_a_bad_one_is_refused(page: Page) -> None:
    vector = json.loads(VECTORS.read_text())["bustabit_v2"][0]
    page.click("label[for=game-bustabit]")
    expect(page.locator("#v-hash")).to_be_visible()
    expect(page.locator("#v-server-seed")).to_be_hidden()
    page.fill("#v-hash", "not-a-hash")
    page.click("#verify-submit")
    expect(page.locator("#verify-error")).to_contain_text("hexadecimal")
    page.fill("#v-hash", vector["game_hash"])
    page.click("#verify-submit")
    expect(page.locator("#verify-result")).to_contain_text(f"{vector['expected_bust']:.2f}×")
    expect(page.locator("#verify-error")).to_be_empty()
    # The same hash under Stake's rules goes to the Stake endpoint and shows its answer.
    url = page.url.rstrip("/")
    stake = httpx.post(f"{url}/api/verify/stake-crash", json={"hash": vector["game_hash"]}).json()
    page.click("label[for=game-stake]")
    page.click("#verify-submit")
    expect(page.locator("#verify-result")).to_contain_text("stake-crash")
    expect(page.locator("#verify-result")).to_contain_text(f"{stake['result']:.2f}×")


def test_a_simulated_round_opens_its_seeds_and_checks(page: Page) -> None:
    seq = page.locator("#rounds-table tbody button[data-seq]").first.get_attribute("data-seq")
    # New rounds keep arriving on top: click this round's own button.
    page.locator(f'#rounds-table tbody button[data-seq="{seq}"]').click()
    dialog = page.locator("#round-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#round-dialog-title")).to_contain_text(f"Round #{seq}")
    expect(dialog).to_contain_text("Verified")
    expect(dialog.locator(".badge-ok")).to_have_count(3)
    expect(dialog).to_contain_text("Server seed")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
