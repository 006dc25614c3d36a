// REST calls: JSON in and out, the API token when the server asks for one, readable error text.
import { traced } from "./trace.js";
import { $ } from "./util.js";

const TOKEN_KEY = "aviator.apiToken";
let authRequired = false;
const tokenListeners = [];

export function setAuthRequired(value) {
  authRequired = Boolean(value);
}

export function isAuthRequired() {
  return authRequired;
}

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage may be disabled: the token then lives until the page closes */
  }
  for (const listener of tokenListeners) listener(token);
}

export function onTokenChange(listener) {
  tokenListeners.push(listener);
}

/** Ask for the API token in a modal dialog; resolves to the token or null when cancelled. */
export function askToken() {
  const dialog = $("token-dialog");
  const input = $("token-input");
  input.value = getToken() || "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const token = dialog.returnValue === "ok" ? input.value.trim() : "";
        if (token) setToken(token);
        resolve(token || null);
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}

/** The text of an error body: FastAPI's detail (a string, a list of strings or of objects). */
export function errorText(body, status) {
  const detail = body && typeof body === "object" ? body.detail ?? body.message : body;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        if (typeof item === "string") return item;
        if (item && typeof item === "object") {
          const where = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "body").join(".") : "";
          return where ? `${where}: ${item.msg}` : String(item.msg ?? JSON.stringify(item));
        }
        return String(item);
      })
      .join("; ");
  }
  return status ? `the server answered ${status}` : "the server could not be reached";
}

/**
 * fetch() a JSON endpoint. Returns {ok, status, data}; never throws for HTTP or network errors
 * (a network failure gives status 0). A 401 asks for the token once and retries.
 */
export async function api(path, { method = "GET", body, auth = false, headers: extra = {} } = {}) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const headers = { Accept: "application/json", ...extra };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const token = getToken();
    if (auth && token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      return { ok: false, status: 0, data: { detail: `network error: ${err.message}` } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.status === 401 && auth && attempt === 0) {
      const given = await askToken();
      if (given) continue;
    }
    // Under ?trace-reads a successful answer records reads of fields it lacks, as events do.
    const read = response.ok ? traced(data, `${method} ${path.split("?")[0]}`) : data;
    return { ok: response.ok, status: response.status, data: read, headers: response.headers };
  }
  return { ok: false, status: 401, data: { detail: "an API token is needed" } };
}

/** Before a change on a server that wants a token: ask for it first if none is known. */
export async function ensureToken() {
  if (!authRequired || getToken()) return true;
  return Boolean(await askToken());
}
