// The WebSocket to /ws: reconnects by itself with capped exponential backoff and a heartbeat.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;
const HEARTBEAT_MS = 10000;
const SILENCE_MS = 25000;

export class Connection {
  /**
   * @param {(event: {type: string, data: any, ts: number}) => void} onEvent
   * @param {(state: "connecting"|"open"|"closed", retryInMs?: number) => void} onState
   * @param {() => string|null} token the API token to put on the URL, once known
   */
  constructor(onEvent, onState, token) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.token = token;
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.heartbeat = null;
    this.lastMessageAt = 0;
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const token = this.token();
    const query = token ? `?token=${encodeURIComponent(token)}` : "";
    return `${scheme}://${location.host}/ws${query}`;
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.onState("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.lastMessageAt = Date.now();
      this.onState("open");
      this.startHeartbeat();
    };
    ws.onmessage = (message) => {
      this.lastMessageAt = Date.now();
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event && typeof event.type === "string") this.onEvent(event);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      this.scheduleRetry();
    };
    // onerror is always followed by onclose, where the retry is scheduled.
    ws.onerror = () => {};
  }

  scheduleRetry() {
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.onState("closed", delay);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Reconnect now (e.g. with a new token on the URL). */
  restart() {
    const old = this.ws;
    this.ws = null;
    this.stopHeartbeat();
    if (old) old.close();
    this.attempt = 0;
    this.connect();
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.open) return;
      if (Date.now() - this.lastMessageAt > SILENCE_MS) {
        this.ws.close(); // a silent socket is a dead one: onclose reconnects
        return;
      }
      this.send({ type: "ping" });
    }, HEARTBEAT_MS);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Send a JSON message; false when not connected. */
  send(message) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }
}
