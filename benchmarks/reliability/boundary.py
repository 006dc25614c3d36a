"""Items 1, 2, 3, 5, 8 and 9: what crosses the trust boundary (foreign pages, an open bind, headers,
huge bodies, bad items, bad WebSocket frames)."""

from __future__ import annotations

import asyncio
import select
import socket
import subprocess
import time
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from reliability.harness import PYTHON, TOKEN, ItemResult, Lab, ServerProcess, base_env, free_port

EVIL = "http://evil.example"


def _code(answer: httpx.Response) -> str:
    """``403 foreign_origin``: the status and the error body's code, if any."""
    try:
        code = (
            answer.json().get("code")
            if answer.headers.get("content-type", "").startswith("application/json")
            else None
        )
    except ValueError:
        code = None
    return f"{answer.status_code}{' ' + code if code else ''}"


async def _ws_handshake(url: str, origin: str | None) -> str:
    """What a /ws handshake with this Origin gets: the refused status, or the first event."""
    try:
        async with connect(url, origin=origin, compression=None) as ws:  # type: ignore[arg-type]
            first = await asyncio.wait_for(ws.recv(), 10)
            return f"accepted ({str(first)[:24]}...)"
    except InvalidStatus as exc:
        return f"refused at the handshake: HTTP {exc.response.status_code}"


def cross_site(lab: Lab, result: ItemResult) -> None:
    server = lab.shared("default")
    host = f"127.0.0.1:{server.port}"
    with server.client() as client:
        before = client.get("/api/status").json()["rounds_all"]
        form = client.post(
            "/api/reset",
            content=b"confirm=yes",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL},
        )
        form_no_origin = client.post(
            "/api/reset",
            content=b"confirm=yes",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"},
        )
        no_cors = client.post(
            "/api/models/empirical/select",
            content=b"{}",
            headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": EVIL},
        )
        text_plain_same_site = client.post(
            "/api/models/empirical/select", content=b"{}", headers={"Content-Type": "text/plain"}
        )
        model_after = client.get("/api/settings").json()["model"]
        foreign_host = client.get("/api/status", headers={"Host": f"evil.example:{server.port}"})
        rebinding = client.post(
            "/api/reset",
            json={},
            headers={
                "Host": f"rebind.example:{server.port}",
                "Origin": f"http://rebind.example:{server.port}",
            },
        )
        own = client.post("/api/models/house/select", json={}, headers={"Origin": f"http://{host}"})
        after = client.get("/api/status").json()["rounds_all"]
    ws_url = f"ws://{host}/ws"
    foreign_ws = asyncio.run(_ws_handshake(ws_url, EVIL))
    own_ws = asyncio.run(_ws_handshake(ws_url, f"http://{host}"))
    result.add(
        "HTML-form POST /api/reset (x-www-form-urlencoded, Origin of another site)",
        "accepted: the session was reset, 41 -> 0 rounds",
        f"{_code(form)}; without Origin but Sec-Fetch-Site: cross-site: {_code(form_no_origin)}",
        form.status_code == 403 and form_no_origin.status_code == 403,
    )
    result.add(
        "rounds before / after the cross-site requests (the simulator runs meanwhile)",
        "41 -> 0",
        f"{before} -> {after}",
        after >= before,
    )
    result.add(
        "text/plain 'no-cors' POST /api/models/empirical/select from another site",
        "accepted: the model was selected",
        f"{_code(no_cors)} (same request without Origin: {_code(text_plain_same_site)}); "
        f"selected model afterwards: {model_after}",
        no_cors.status_code == 403 and model_after != "empirical",
    )
    result.add(
        "/ws handshake with Origin http://evil.example",
        "accepted, and its messages changed the target",
        f"{foreign_ws}; own origin: {own_ws}",
        foreign_ws.startswith("refused"),
    )
    result.add(
        "foreign Host header (DNS rebinding): GET /api/status; POST /api/reset with matching Origin",
        "any Host accepted",
        f"{_code(foreign_host)}; {_code(rebinding)}",
        foreign_host.status_code in (400, 403) and rebinding.status_code in (400, 403),
    )
    result.add("control: a same-origin JSON POST still works", "", _code(own), own.status_code == 200)


def open_bind(lab: Lab, result: ItemResult) -> None:
    folder = lab.folder("open-bind")
    env = base_env({"AVIATOR_DATABASE_URL": f"sqlite:///{folder / 'aviator.db'}"})
    command = [
        PYTHON,
        "-m",
        "aviator",
        "run",
        "--no-simulator",
        "--host",
        "0.0.0.0",
        "--port",
        str(free_port()),
    ]
    started = time.monotonic()
    refused = subprocess.run(command, env=env, cwd=folder, capture_output=True, timeout=120, text=True)
    taken = time.monotonic() - started
    message = next(
        (line for line in refused.stderr.splitlines() if "error" in line.lower()), refused.stderr[-300:]
    )
    result.add(
        "`aviator run --host 0.0.0.0` without AVIATOR_API_TOKEN",
        "started with no warning; anyone on the network could reset",
        f"exit code {refused.returncode} after {taken:.1f} s: {message.strip()[:200]}",
        refused.returncode != 0,
    )
    if lab.quick:
        result.note("--quick: the --insecure start is left out")
    else:
        _insecure_start(lab, result)
    _export_needs_the_token(lab, result)


def _insecure_start(lab: Lab, result: ItemResult) -> None:
    insecure = ServerProcess(
        lab.folder("open-bind-insecure"), ["run", "--no-simulator", "--insecure"], bind="0.0.0.0"
    )
    insecure.start()
    try:
        ready = insecure.wait_ready()
        warning = next((line for line in insecure.log.read_text().splitlines() if "warning" in line), "")
    finally:
        insecure.stop()
    result.add(
        "the same with --insecure",
        "",
        f"started (ready in {ready:.1f} s), saying: {warning.strip()[:160]}",
        bool(warning),
    )


def _export_needs_the_token(lab: Lab, result: ItemResult) -> None:
    token = lab.shared("token")
    with token.client() as client:
        bare = client.get("/api/export")
        wrong = client.get("/api/export", headers={"Authorization": "Bearer wrong"})
        right = client.get("/api/export", headers={"Authorization": f"Bearer {TOKEN}"})
        reset = client.post("/api/reset", json={})
    result.add(
        "GET /api/export when a token is set: none / a wrong one / the right one",
        "readable by anyone",
        f"{_code(bare)} / {_code(wrong)} / {right.status_code} ({len(right.content):,} bytes); "
        f"POST /api/reset without it: {_code(reset)}",
        bare.status_code == 401 and wrong.status_code == 401 and right.status_code == 200,
    )


def headers(lab: Lab, result: ItemResult) -> None:
    page = httpx.get(lab.shared("default").base + "/", timeout=10).headers
    names = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")
    shown = "; ".join(f"{name}: {page.get(name, '(missing)')}" for name in names)
    csp = page.get("content-security-policy", "")
    script = next((part for part in csp.split(";") if part.strip().startswith("script-src")), "")
    meets = (
        all(name in page for name in names)
        and "unsafe-inline" not in script
        and "frame-ancestors 'none'" in csp
    )
    result.add("the four headers on GET /", "none of the four; the page could be framed", shown, meets)


def _send_body(port: int, total: int, extra_headers: str, chunked: bool) -> tuple[str, int, float]:
    """POST ``total`` bytes of generated JSON-looking text to /api/rounds without holding them: 1 MiB
    at a time, stopping as soon as the server answers. (status line, bytes sent, seconds)."""
    piece = b"[" + b'{"multiplier": 2.0}, ' * (2**20 // 21)
    framing = "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n"
    head = (
        f"POST /api/rounds HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"{extra_headers}{framing}\r\n"
    ).encode()
    sent = 0
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        try:
            while sent < total:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                data = piece[: min(len(piece), total - sent)]
                frame = b"%x\r\n%s\r\n" % (len(data), data) if chunked else data
                sock.sendall(frame)
                sent += len(data)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        with_timeout = time.monotonic() + 60
        while b"\r\n" not in answer and time.monotonic() < with_timeout:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            answer += data
    status = (
        answer.split(b"\r\n", 1)[0].decode(errors="replace") if answer else "(no answer: connection closed)"
    )
    return status, sent, time.monotonic() - started


def big_body(lab: Lab, result: ItemResult) -> None:
    total = 512 * 2**20
    cases: list[tuple[str, ServerProcess, str, bool]] = [
        ("no token set, chunked", lab.shared("default"), "", True),
        ("no token set, Content-Length: 512 MiB declared", lab.shared("default"), "", False),
        ("token set, a wrong token, chunked", lab.shared("token"), "Authorization: Bearer wrong\r\n", True),
        (
            "token set, the right token, chunked",
            lab.shared("token"),
            f"Authorization: Bearer {TOKEN}\r\n",
            True,
        ),
    ]
    for label, server, extra, chunked in cases:
        peak_before, rss_before = server.memory_kb("VmHWM"), server.memory_kb("VmRSS")
        status, sent, seconds = _send_body(server.port, total, extra, chunked)
        time.sleep(0.5)
        peak_after, rss_after = server.memory_kb("VmHWM"), server.memory_kb("VmRSS")
        old = "1.76 GB RSS" + (" and a 401 answer, after reading the whole body" if "wrong" in label else "")
        result.add(
            f"a 512 MiB body streamed to POST /api/rounds ({label})",
            old if "right" not in label and "declared" not in label else "",
            f"{status.removeprefix('HTTP/1.1 ')} after {sent / 2**20:.1f} MiB sent ({seconds:.2f} s); "
            "server peak "
            f"RSS {peak_before / 1024:.0f} -> {peak_after / 1024:.0f} MB (RSS now {rss_before / 1024:.0f} -> "
            f"{rss_after / 1024:.0f} MB)",
            peak_after - peak_before < 64 * 1024 and (" 413 " in status or " 401 " in status),
        )


# -- 8: bad items ------------------------------------------------------------------------------------
def _fairness(**change: Any) -> dict[str, Any]:
    return {
        "server_seed": "s",
        "server_hash": "h",
        "client_seeds": ["a", "b", "c"],
        "combined_hash": "c",
        **change,
    }


BAD_ITEMS: list[tuple[str, dict[str, Any]]] = [
    ("timestamp 0001-01-01T00:00:00+14:00", {"multiplier": 2.0, "timestamp": "0001-01-01T00:00:00+14:00"}),
    ("timestamp 9999-12-31T23:59:59-14:00", {"multiplier": 2.0, "timestamp": "9999-12-31T23:59:59-14:00"}),
    ("a NUL byte in round_id", {"multiplier": 2.0, "round_id": "r\x00id"}),
    ("a NUL byte in a fairness seed", {"multiplier": 2.0, "fairness": _fairness(server_seed="s\x00s")}),
    (
        "a fairness field over 128 characters",
        {"multiplier": 2.0, "fairness": _fairness(server_seed="s" * 129)},
    ),
    ('"2.5" (a string) as multiplier', {"multiplier": "2.5"}),
    ("true as multiplier", {"multiplier": True}),
]


def _bad_batch(server: ServerProcess, stream: str) -> tuple[str, str, bool]:
    batch: list[dict[str, Any]] = []
    bad_at: dict[int, str] = {}
    for i, (label, item) in enumerate(BAD_ITEMS):
        batch.append({"multiplier": 1.5 + i / 100, "source": stream})
        bad_at[len(batch)] = label
        batch.append({**item, "source": stream})
    batch.append({"multiplier": 3.0, "source": stream})
    good = len(batch) - len(bad_at)
    with server.client() as client:
        answer = client.post("/api/rounds", json=batch)
        body = answer.json()
        reasons = {r["index"]: r["reason"] for r in body.get("rejected", [])}
        stored = len(client.get("/api/rounds", params={"stream": stream, "limit": 1000}).json()["rounds"])
        big = [
            _code(client.get("/api/rounds", params={"before": 2**63})),
            _code(client.get("/api/rounds", params={"before": 2**64})),
            _code(client.get(f"/api/rounds/{2**63}")),
        ]
    per_item = "; ".join(f"{bad_at[i]} -> 422 '{reasons.get(i, 'NOT REFUSED')[:70]}'" for i in sorted(bad_at))
    now = (
        f"answer {answer.status_code}; {body.get('stored')} of {good} good items stored ({stored} in the "
        f"stream); per item: {per_item}; before=2^63, before=2^64, /api/rounds/2^63: {', '.join(big)}"
    )
    meets = (
        answer.status_code == 422
        and set(reasons) == set(bad_at)
        and stored == good
        and all(b.startswith("422") for b in big)
    )
    return now, f"{stored}/{good}", meets


def bad_items(lab: Lab, result: ItemResult) -> None:
    old = (
        "the two timestamps: 500 and the good items of the batch lost; on PostgreSQL a NUL byte or a "
        'fairness field over 128 characters too; seq/before above 2^63: 500; "2.5" and true accepted'
    )
    now, _, meets = _bad_batch(lab.shared("default"), "bench-bad-items")
    result.add("a batch of 8 good items and the issue's 7 bad ones (SQLite)", old, now, meets)
    if not lab.pg_url or lab.quick:
        result.note("PostgreSQL: skipped (" + ("--quick" if lab.quick else "no --pg-url") + ")")
        return
    from aviator.store.db import scratch_postgres_database

    with scratch_postgres_database(lab.pg_url, "aviator_reliability") as url:
        server = lab.server("bad-items-pg", ["run", "--no-simulator"], database_url=url)
        try:
            now, _, meets = _bad_batch(server, "bench-bad-items")
        finally:
            server.stop()
    result.add("the same batch on PostgreSQL", old, now, meets)


# -- 9: the WebSocket ---------------------------------------------------------------------------------
async def _ws_abuse(url: str) -> list[tuple[str, str, bool]]:
    import json

    found: list[tuple[str, str, bool]] = []
    async with connect(url, compression=None, max_size=None) as ws:
        await asyncio.wait_for(ws.recv(), 10)  # hello
        probes: list[tuple[str, str | bytes]] = [
            ("a binary frame", b"\x00\x01\x02 binary"),
            ("JSON arrays nested 5,000 deep", "[" * 5000 + "]" * 5000),
            ("JSON objects nested 5,000 deep", '{"a":' * 5000 + "1" + "}" * 5000),
        ]
        for label, frame in probes:
            await ws.send(frame)
            event = json.loads(await asyncio.wait_for(_next_non_status(ws), 10))
            await ws.send('{"type": "ping"}')
            pong = json.loads(await asyncio.wait_for(_next_non_status(ws), 10))
            stays = pong["type"] == "pong"
            code = event["data"].get("code") if event["type"] == "error" else None
            found.append((label, f"{event['type']} event (code {code}); then ping -> {pong['type']}", stays))
    return found


async def _next_non_status(ws: Any) -> str:
    """The next event that answers us (round, prediction, status and log events pass by meanwhile)."""
    import json

    while True:
        text = str(await ws.recv())
        if json.loads(text)["type"] in ("error", "pong"):
            return text


def websocket_frames(lab: Lab, result: ItemResult) -> None:
    server = lab.shared("default")
    tracebacks = server.log.read_text(errors="replace").count("Traceback")
    for label, now, stays in asyncio.run(_ws_abuse(f"ws://127.0.0.1:{server.port}/ws")):
        result.add(
            f"/ws: {label}",
            "connection dropped (1006) with a traceback in the log",
            f"{now}; connection {'stays open' if stays else 'LOST'}",
            stays and "error event" in now,
        )
    new = server.log.read_text(errors="replace").count("Traceback") - tracebacks
    result.add(
        "tracebacks in the server's log from these frames", "one per dropped connection", str(new), new == 0
    )
