from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from aviator.api.app import create_app
from aviator.core.settings import load_settings


def _wait_rounds(client: TestClient, n: int) -> dict[str, object]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = client.get("/api/status").json()
        if status["rounds"] >= n:
            return status  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"engine did not reach {n} rounds")


def test_post_one_round_is_stored_and_listed(client: TestClient) -> None:
    response = client.post("/api/rounds", json={"multiplier": 2.37, "round_id": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["stored"] == 1 and body["duplicates"] == 0 and body["rejected"] == []
    listed = client.get("/api/rounds").json()["rounds"]
    assert [r["multiplier"] for r in listed] == [2.37]


def test_batch_with_bad_items_stores_the_good_ones_and_names_the_bad(client: TestClient) -> None:
    batch = [
        {"multiplier": 1.5, "round_id": "a"},
        {"multiplier": 0.5, "round_id": "b"},
        {"multiplier": "abc"},
        {"multiplier": 3.0, "round_id": "c"},
        {"multiplier": 5e9},
    ]
    response = client.post("/api/rounds", json=batch)
    assert response.status_code == 422
    body = response.json()
    assert body["stored"] == 2
    reasons = {item["index"]: item["reason"] for item in body["rejected"]}
    assert set(reasons) == {1, 2, 4}
    assert "below 1.00" in reasons[1]
    assert "multiplier" in reasons[2]
    assert "cap" in reasons[4]


def test_same_round_twice_is_a_duplicate_not_an_error(client: TestClient) -> None:
    first = client.post("/api/rounds", json={"multiplier": 1.0, "round_id": "7"}).json()
    second = client.post("/api/rounds", json={"multiplier": 1.0, "round_id": "7"})
    assert first["stored"] == 1
    assert second.status_code == 200
    assert second.json()["stored"] == 0 and second.json()["duplicates"] == 1


def test_rounds_are_paged_newest_first(client: TestClient) -> None:
    client.post("/api/rounds", json=[{"multiplier": 1 + i / 10, "round_id": str(i)} for i in range(25)])
    page = client.get("/api/rounds", params={"limit": 10}).json()
    assert [r["round_id"] for r in page["rounds"]] == [str(i) for i in range(24, 14, -1)]
    older = client.get("/api/rounds", params={"limit": 10, "before": page["next_before"]}).json()
    assert older["rounds"][0]["round_id"] == "14"


def test_predict_and_status_after_rounds(client: TestClient) -> None:
    client.post("/api/rounds", json=[{"multiplier": 2.0, "round_id": str(i)} for i in range(5)])
    status = _wait_rounds(client, 5)
    assert status["latest_multiplier"] == 2.0
    predict = client.get("/api/predict").json()
    assert predict["success"] is True
    assert predict["forecast"]["model"] == "house"
    assert predict["prediction"]["predicted_multiplier"] == 1.94
    assert abs(predict["prediction"]["confidence"] - 0.485) < 1e-9
    assert {line["model"] for line in predict["skill"]} >= {"house"}
    assert predict["house_expected_return"] == pytest.approx(0.97)


def test_unknown_model_names_the_known_ones(client: TestClient) -> None:
    response = client.get("/api/predict", params={"model": "crystal-ball"})
    assert response.status_code == 404
    assert "house" in response.json()["detail"]


def test_settings_out_of_range_are_refused_with_the_range(client: TestClient) -> None:
    response = client.put("/api/settings", json={"target": 0.5})
    assert response.status_code == 422
    assert "target" in str(response.json()["detail"]) and "1.01" in str(response.json()["detail"])
    ok = client.put("/api/settings", json={"target": 3.0})
    assert ok.status_code == 200 and ok.json()["target"] == 3.0
    assert client.get("/api/predict").json()["forecast"]["target"] == 3.0


def test_token_guards_state_changes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 't.db'}", source="none", api_token="s3cret")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        assert client.post("/api/rounds", json={"multiplier": 2}).status_code == 401
        assert client.post("/api/reset").status_code == 401
        headers = {"Authorization": "Bearer s3cret"}
        assert client.post("/api/rounds", json={"multiplier": 2}, headers=headers).status_code == 200
        assert client.get("/api/rounds").status_code == 200


def test_openapi_schema_lists_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/rounds", "/api/predict", "/api/status", "/api/health", "/api/models", "/api/settings"):
        assert path in paths


def test_export_and_reset(client: TestClient) -> None:
    client.post("/api/rounds", json=[{"multiplier": 2.5, "round_id": str(i)} for i in range(3)])
    _wait_rounds(client, 3)
    export = client.get("/api/export")
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    body = export.json()
    assert len(body["rounds"]) == 3 and body["header"]["settings"]["target"] == 2.0
    assert body["header"]["counts"]["rounds"] == 3
    assert client.post("/api/reset").json()["success"] is True
    assert client.get("/api/rounds").json()["rounds"] == []
    assert client.get("/api/status").json()["rounds"] == 0


def test_index_page_and_plotly_are_served(client: TestClient) -> None:
    assert "Aviator Predictor" in client.get("/").text
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
