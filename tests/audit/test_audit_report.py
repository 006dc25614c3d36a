"""The report: the fields the API and the CLI publish, plain words for each, the HTML page and the plots."""

from __future__ import annotations

import json
import re

import pytest

from aviator.audit import MIN_ROUNDS, AuditReport, audit_rounds
from aviator.audit.html import render_html
from aviator.audit.plots import PLOT_NAMES, render_plots
from aviator.fairness.planted import Plant, planted_rounds


@pytest.fixture(scope="module")
def capped() -> AuditReport:
    return audit_rounds(planted_rounds(5_000, Plant("cap", level=60.0), seed=91), 0.97)


def test_the_json_has_the_fields_the_issue_names(capped: AuditReport) -> None:
    data = json.loads(capped.model_dump_json())
    assert data["verdict"] == "inconsistent" and data["failed_parts"] == ["tail"]
    assert set(data["rtp"]) >= {"estimate", "low", "high"}
    assert data["rtp"]["low"] <= data["rtp"]["estimate"] <= data["rtp"]["high"]
    assert {"rtp_shortfall", "cap_below"} <= set(data["power"])
    for test in data["tests"]:
        assert set(test) >= {"name", "part", "p_value", "passed", "detail", "help"}
        assert 0.0 <= test["p_value"] <= 1.0 and test["help"] and test["detail"]
    assert [t["part"] for t in data["tests"]].count("independence") == 5
    # what a page needs to draw
    assert {"cash_out", "value", "low", "high"} <= set(data["return_curve"][0])
    assert {"multiplier", "observed", "law"} <= set(data["survival"][0])
    assert len(data["pit_histogram"]) == 20 and sum(b["count"] for b in data["pit_histogram"]) == 5_000
    # the cap shows in the survival curve: nothing observed above 60x
    assert all(p["observed"] == 0 for p in data["survival"] if p["multiplier"] > 60)


def test_every_shown_field_has_plain_words(capped: AuditReport) -> None:
    shown = {"verdict", "failed_parts", "rounds_needed", "rtp", "instant_crashes", "largest_shortfall"}
    shown |= {"tail_break", "tail_levels", "power", "return_curve", "survival", "pit_histogram"}
    for field in shown:
        assert field in AuditReport.model_fields and len(capped.help[field]) > 40, field
    assert len(capped.help["p_value"]) > 40 and len(capped.help["p_adjusted"]) > 40
    words = capped.verdict_words
    assert words.startswith("Inconsistent with the claimed law") and "big multipliers are rarer" in words
    assert not re.search(r"\b(win|profit|guarantee)", words, re.IGNORECASE)


def test_too_few_rounds_says_how_many_more() -> None:
    report = audit_rounds(planted_rounds(MIN_ROUNDS - 1, Plant("fair"), seed=92), 0.97)
    assert report.verdict == "too_few" and report.rounds_needed == 1 and report.power is None
    assert report.verdict_words == (
        f"Too few rounds to judge: {MIN_ROUNDS - 1:,} so far, "
        f"and the audit needs at least {MIN_ROUNDS:,} (1 more)."
    )
    empty = audit_rounds([], 0.97)
    assert empty.verdict == "too_few" and empty.rtp.estimate is None and empty.return_curve == []


def test_a_bad_round_or_claim_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match=r"round 1: 0\.5 is not a multiplier"):
        audit_rounds([2.0, 0.5], 0.97)
    with pytest.raises(ValueError, match="return to player must be within"):
        audit_rounds([2.0], 0.0)


def test_the_html_report_is_one_self_contained_page_with_the_plots(capped: AuditReport) -> None:
    images = render_plots(capped, "capped stream")
    assert set(images) == set(PLOT_NAMES)
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for png in images.values())
    page = render_html(capped, images, "capped stream")
    assert page.count("data:image/png;base64,") == 3
    assert not re.search(r"(src|href)=['\"]?(https?:|//)", page)  # nothing fetched from elsewhere
    assert "inconsistent" in page and "FAILED" in page and "tail above 10x" in page
