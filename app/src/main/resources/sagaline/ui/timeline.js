// The timeline page: lists sagas by status, shows one saga's steps as bars over time (one bar per
// command, from the command to its outcome), and sends retry, abort and resolve requests. It uses
// only the documented /api/v1 endpoints, so it is also an example of using them.
"use strict";

const TERMINAL = new Set(["COMPLETED", "COMPENSATED"]);
const OUTCOMES = new Set(["STEP_SUCCEEDED", "STEP_FAILED", "STEP_TIMED_OUT", "STEP_UNDONE", "STEP_CONFIRMED",
  "STEP_RETRY_SCHEDULED", "STUCK"]);
const FAILURES = new Set(["STEP_FAILED", "STEP_TIMED_OUT", "STEP_RETRY_SCHEDULED", "STUCK"]);
const $ = (id) => document.getElementById(id);

let shownSaga = null;
let refreshTimer = null;
let nextCursor = null;

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.error || ("HTTP " + response.status));
  }
  return body;
}

function text(tag, value, className) {
  const element = document.createElement(tag);
  element.textContent = value == null ? "" : String(value);
  if (className) {
    element.className = className;
  }
  return element;
}

async function loadStats() {
  try {
    const stats = await api("/api/v1/stats");
    $("stats").textContent = Object.entries(stats.byStatus).map(([s, n]) => s + " " + n).join(" \u00b7 ") || "no sagas yet";
  } catch (e) {
    $("stats").textContent = e.message;
  }
}

async function listSagas(append) {
  const params = new URLSearchParams({ limit: "50" });
  if ($("status-filter").value) params.set("status", $("status-filter").value);
  if ($("type-filter").value) params.set("type", $("type-filter").value);
  if (append && nextCursor) params.set("cursor", nextCursor);
  const body = $("saga-list").tBodies[0];
  if (!append) body.replaceChildren();
  try {
    const page = await api("/api/v1/sagas?" + params);
    for (const saga of page.sagas) {
      const row = document.createElement("tr");
      row.dataset.sagaId = saga.sagaId;
      row.append(text("td", saga.sagaId), text("td", saga.status, "status " + saga.status), text("td", saga.type));
      row.addEventListener("click", () => showSaga(saga.sagaId));
      body.append(row);
    }
    nextCursor = page.nextCursor;
    $("more-button").hidden = !nextCursor;
  } catch (e) {
    body.replaceChildren(text("tr", e.message));
  }
}

async function showSaga(sagaId) {
  clearTimeout(refreshTimer);
  let saga;
  try {
    saga = await api("/api/v1/sagas/" + encodeURIComponent(sagaId));
  } catch (e) {
    $("saga-pane").hidden = false;
    $("saga-id").textContent = sagaId;
    $("saga-status").textContent = "";
    $("saga-summary").textContent = e.message;
    $("timeline").replaceChildren();
    $("events").tBodies[0].replaceChildren();
    return;
  }
  if (shownSaga !== sagaId) {
    $("action-result").textContent = "";
  }
  shownSaga = sagaId;
  $("saga-pane").hidden = false;
  $("saga-id").textContent = saga.sagaId;
  $("saga-status").textContent = saga.status;
  $("saga-status").className = "status " + saga.status;
  $("saga-summary").textContent = saga.type + " v" + saga.version + ", started " + saga.createdAt + ", updated " + saga.updatedAt
    + (saga.failureReason ? ", failure: " + saga.failureReason : "");
  const steps = $("resolve-step");
  steps.replaceChildren(...saga.steps.map((s) => text("option", s.name)));
  drawTimeline(saga);
  drawEvents(saga.events);
  if (!TERMINAL.has(saga.status)) {
    refreshTimer = setTimeout(() => showSaga(sagaId), 1000);
  }
}

// One bar per command: from STEP_COMMANDED to the step's next outcome event, open-ended while
// awaited. The colour says the action's direction; a cross marks an attempt that failed.
function segments(saga) {
  const open = new Map();
  const bars = [];
  for (const e of saga.events) {
    if (!e.step) continue;
    const at = Date.parse(e.timestamp);
    if (e.kind === "STEP_COMMANDED") {
      const bar = { step: e.step, action: e.action, attempt: e.attempt, from: at, to: null, failed: false, error: null };
      open.set(e.step, bar);
      bars.push(bar);
    } else if (OUTCOMES.has(e.kind) && open.has(e.step)) {
      const bar = open.get(e.step);
      bar.to = at;
      bar.failed = FAILURES.has(e.kind);
      bar.error = e.errorCode ? e.errorCode + ": " + (e.errorMessage || "") : null;
      open.delete(e.step);
    }
  }
  return bars;
}

function drawTimeline(saga) {
  const bars = segments(saga);
  const start = Date.parse(saga.createdAt);
  const times = saga.events.map((e) => Date.parse(e.timestamp));
  const end = Math.max(start + 1, ...times, TERMINAL.has(saga.status) ? start + 1 : Date.now());
  const x = (t) => (100 * (t - start) / (end - start)).toFixed(2) + "%";
  const lanes = saga.steps.map((step) => {
    const lane = document.createElement("div");
    lane.className = "lane";
    lane.dataset.step = step.name;
    const track = document.createElement("div");
    track.className = "lane-track";
    for (const bar of bars.filter((b) => b.step === step.name)) {
      const div = document.createElement("div");
      const kind = bar.action === "COMPENSATE" || bar.action === "CANCEL" ? "undo" : bar.action === "CONFIRM" ? "confirm" : "forward";
      div.className = "bar " + kind + (bar.to == null ? " open" : "");
      div.style.left = x(bar.from);
      div.style.width = "calc(" + x(bar.to == null ? end : bar.to) + " - " + x(bar.from) + ")";
      div.title = bar.action + " attempt " + bar.attempt + (bar.error ? " \u2013 " + bar.error : "");
      track.append(div);
      if (bar.failed) {
        const mark = text("span", "\u2716", "mark failed");
        mark.style.left = x(bar.to);
        mark.title = div.title;
        track.append(mark);
      }
    }
    lane.append(text("div", step.name + " \u00b7 " + step.status, "lane-name"), track);
    if (step.lastErrorCode) {
      lane.append(text("div", "attempt " + step.attempt + ", last error " + step.lastErrorCode + ": " + (step.lastErrorMessage || ""), "lane-error"));
    }
    return lane;
  });
  $("timeline").replaceChildren(...lanes);
}

function drawEvents(events) {
  const rows = events.map((e) => {
    const row = document.createElement("tr");
    const status = e.fromStatus && e.fromStatus !== e.toStatus ? e.fromStatus + " \u2192 " + e.toStatus : e.toStatus;
    const detail = [e.action, e.attempt != null ? "attempt " + e.attempt : null, e.errorCode, e.errorMessage, e.reason]
      .filter((d) => d != null).join(" \u00b7 ");
    row.append(text("td", e.sequence), text("td", e.timestamp), text("td", e.kind), text("td", e.step), text("td", status), text("td", detail));
    return row;
  });
  $("events").tBodies[0].replaceChildren(...rows);
}

async function operate(action, body) {
  body.operator = $("operator-input").value || "web page";
  body.reason = $("reason-input").value || null;
  try {
    const accepted = await api("/api/v1/sagas/" + encodeURIComponent(shownSaga) + "/" + action, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    $("action-result").textContent = action + " requested (" + accepted.requestId + ")";
  } catch (e) {
    $("action-result").textContent = action + " refused: " + e.message;
  }
  showSaga(shownSaga);
}

$("search-form").addEventListener("submit", (e) => { e.preventDefault(); showSaga($("search-id").value.trim()); });
$("list-form").addEventListener("submit", (e) => { e.preventDefault(); listSagas(false); loadStats(); });
$("more-button").addEventListener("click", () => listSagas(true));
$("retry-button").addEventListener("click", () => operate("retry", {}));
$("abort-button").addEventListener("click", () => operate("abort", {}));
$("resolve-button").addEventListener("click", () => operate("resolve", { step: $("resolve-step").value, outcome: $("resolve-outcome").value }));

const wanted = new URLSearchParams(location.search).get("saga");
loadStats();
listSagas(false);
if (wanted) showSaga(wanted);
