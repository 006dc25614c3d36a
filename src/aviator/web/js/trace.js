// A check for the tests: with ?trace-reads in the URL, every event payload the page handles records
// each read of a field it does not have (window.__missingReads), so a browser test can prove the page
// reads only fields the published event schemas define. Without the flag, payloads pass untouched.

const TRACING = new URLSearchParams(window.location.search).has("trace-reads");
if (TRACING) window.__missingReads = [];

const isPlainArray = (value) => Array.isArray(value) && value.every((item) => item === null || typeof item !== "object");

function wrap(value, path) {
  if (value === null || typeof value !== "object" || isPlainArray(value)) return value;
  return new Proxy(value, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && !(prop in target) && prop !== "toJSON" && prop !== "then") {
        window.__missingReads.push(`${path}.${prop}`);
      }
      const found = Reflect.get(target, prop, receiver);
      return typeof prop === "string" && Object.hasOwn(target, prop) ? wrap(found, `${path}.${prop}`) : found;
    },
  });
}

/** The payload of an event of `type`, traced when the page was opened with ?trace-reads. */
export function traced(data, type) {
  return TRACING ? wrap(data, type) : data;
}
