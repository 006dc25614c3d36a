// Reading a file of rounds in the page: CSV (a multiplier column, a timestamp column if there is one,
// or one bare column) or JSON (a list of numbers or of {multiplier, timestamp, round_id}). Every line
// that cannot be read is reported with its number and why; the others are kept.

const MULTIPLIER_NAMES = /^(multiplier|crash|crash_point|crashpoint|payout|coefficient|coef|result|value|x|odds|bust)$/i;
const TIME_NAMES = /^(timestamp|time|date|datetime|created_at|ended_at|played_at)$/i;
const ID_NAMES = /^(round_id|roundid|round|id|game_id)$/i;

/** A multiplier cell as a number ("2.37", "2.37x", "2,37×"), or null. */
export function parseMultiplier(cell) {
  const text = String(cell).trim().replace(/[x×]$/i, "").trim().replace(/^(\d+),(\d+)$/, "$1.$2");
  if (!/^[+]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

function splitLine(line, delimiter) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function check(value, where, raw) {
  if (value === null || !Number.isFinite(value)) return `${where}: "${String(raw).slice(0, 40)}" is not a multiplier (a number like 2.37)`;
  if (value < 1) return `${where}: ${value} is below 1.00 (a round cannot crash below 1.00×)`;
  return null;
}

function fromCsv(text) {
  const lines = text.split(/\r\n|\n|\r/);
  const rows = [];
  const errors = [];
  const firstIndex = lines.findIndex((l) => l.trim() && !l.trim().startsWith("#"));
  if (firstIndex < 0) return { rows, errors: ["the file has no rows"] };
  const first = lines[firstIndex];
  const delimiter = [",", ";", "\t"].sort((a, b) => first.split(b).length - first.split(a).length)[0];
  const head = splitLine(first, delimiter);
  const named = head.some((cell) => MULTIPLIER_NAMES.test(cell)) || head.every((cell) => parseMultiplier(cell) === null);
  let column = 0;
  let timeColumn = -1;
  let idColumn = -1;
  if (named) {
    column = head.findIndex((cell) => MULTIPLIER_NAMES.test(cell));
    timeColumn = head.findIndex((cell) => TIME_NAMES.test(cell));
    idColumn = head.findIndex((cell) => ID_NAMES.test(cell));
    if (column < 0) return { rows, errors: [`line ${firstIndex + 1}: no multiplier column among ${head.join(", ")}`] };
  } else if (head.length > 1) {
    column = head.length - 1; // "timestamp,multiplier" without a header: the number is last
    timeColumn = Number.isNaN(Date.parse(head[0])) ? -1 : 0;
  }
  for (let i = named ? firstIndex + 1 : firstIndex; i < lines.length; i += 1) {
    const line = lines[i];
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const cells = splitLine(line, delimiter);
    const raw = cells[column] ?? "";
    const multiplier = parseMultiplier(raw);
    const problem = check(multiplier, `line ${i + 1}`, raw);
    if (problem) {
      errors.push(problem);
      continue;
    }
    const row = { line: i + 1, multiplier };
    if (timeColumn >= 0 && cells[timeColumn]) row.timestamp = cells[timeColumn];
    if (idColumn >= 0 && cells[idColumn]) row.round_id = cells[idColumn];
    rows.push(row);
  }
  return { rows, errors };
}

function fromJson(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { rows: [], errors: [`the file is not valid JSON: ${err.message}`] };
  }
  const items = Array.isArray(data) ? data : Array.isArray(data?.rounds) ? data.rounds : null;
  if (!items) return { rows: [], errors: ["the JSON is neither a list of rounds nor an object with a rounds list"] };
  const rows = [];
  const errors = [];
  items.forEach((item, i) => {
    const where = `item ${i + 1}`;
    const raw = item && typeof item === "object" ? item.multiplier : item;
    const multiplier = typeof raw === "number" ? raw : parseMultiplier(raw ?? "");
    const problem = check(multiplier, where, raw);
    if (problem) {
      errors.push(problem);
      return;
    }
    const row = { line: i + 1, multiplier };
    if (item && typeof item === "object") {
      if (typeof item.timestamp === "string") row.timestamp = item.timestamp;
      if (typeof item.round_id === "string") row.round_id = item.round_id;
    }
    rows.push(row);
  });
  return { rows, errors };
}

/** Rows (oldest first when the file has times) and the errors of a file's text. */
export function parseRounds(text, name = "") {
  const clean = text.replace(/^\uFEFF/, "");
  const start = clean.trimStart();
  const json = /\.json$/i.test(name) || start.startsWith("[") || start.startsWith("{");
  const result = json ? fromJson(start) : fromCsv(clean);
  if (result.rows.length && result.rows.every((r) => r.timestamp && !Number.isNaN(Date.parse(r.timestamp)))) {
    result.rows.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.line - b.line);
  }
  return result;
}
