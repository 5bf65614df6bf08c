// Runs in the dashboard: starting a run from the editor, watching it live,
// rejected records, skipped steps and retry, cancel, the timeline, history
// filters, and recovery when the backend restarts mid-run.
//
// The journeys run in file order on one shared demo backend, and some use
// the runs an earlier journey left: the timeline reads the ordered flow's
// succeeded run, and the history filter reads the failing flow's runs.

import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  api,
  closeSession,
  flowIdByName,
  openSession,
  screenshot,
  seedRuns,
  signedInContext,
  startBackend,
  VIEWER_TOKEN,
  waitForRunEnd,
} from "../lib/harness.mjs";

const ORDERED = "Daily CRM, billing and analytics";
const FAILING = "CRM with the v2 opportunities model";

let backend;
let browser;

before(async () => {
  ({ backend, browser } = await openSession({ demo: true }));
});

after(() => closeSession({ backend, browser }));

const graphStep = (page, id) => page.locator(`[data-testid="run-graph"] [data-step-id="${id}"]`);
const runStatus = (page) => page.getByTestId("run-status");

/** Wait until the editor's Run button can be pressed. */
async function runEnabled(page) {
  await page.getByTestId("run-button").waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="run-button"]').disabled);
}

/** Open the editor of `flowId` and press Run; returns the new run's id. */
async function runFromEditor(page, base, flowId) {
  await page.goto(`${base.url}/flows/${flowId}`);
  await runEnabled(page);
  await page.getByTestId("run-button").click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await page.getByTestId("run-page").waitFor();
  return new URL(page.url()).pathname.split("/").pop();
}

/** Wait until the page shows the run's status as `status`. */
async function waitForStatus(page, status, timeout = 120_000) {
  await page.locator(`[data-testid="run-status"][data-status="${status}"]`).waitFor({ timeout });
}

test("ordered flow reaches succeeded live", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  const runId = await runFromEditor(page, backend, flowId);

  // Record every status each step shows, as the stream updates the graph.
  await page.evaluate(() => {
    window.__seen = {};
    const record = () => {
      for (const step of document.querySelectorAll('[data-testid="run-graph"] [data-step-id]')) {
        const seen = (window.__seen[step.dataset.stepId] ??= []);
        if (seen.at(-1) !== step.dataset.status) seen.push(step.dataset.status);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, childList: true });
  });
  await page.locator('[data-testid="run-link"][data-link="live"]').waitFor();
  await graphStep(page, "contacts").and(page.locator('[data-status="running"]')).waitFor({ timeout: 60_000 });
  await screenshot(page, "run-live");

  await waitForStatus(page, "succeeded");
  const steps = ["accounts", "contacts", "deals", "customers", "payments", "users", "events"];
  for (const id of steps) {
    assert.equal(await graphStep(page, id).getAttribute("data-status"), "succeeded", `step ${id}`);
  }
  const seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.deals.includes("running") || seen.deals.includes("pending"), `deals went through an earlier status live: ${seen.deals}`);
  assert.match(await graphStep(page, "contacts").locator('[data-testid="step-counts"]').textContent(), /processed · 0 failed/);
  assert.equal(await page.getByTestId("run-link").getAttribute("data-link"), "ended");
  assert.equal((await waitForRunEnd(backend, runId)).status, "succeeded");
  await screenshot(page, "run-succeeded");
  await context.close();
});

test("timeline shows parallel steps overlapping", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const { body: history } = await api(backend, "GET", `/flows/${flowId}/runs?status=succeeded&limit=1`);
  assert.equal(history.items.length, 1, "the previous journey left a succeeded run");
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/runs/${history.items[0].id}`);
  await page.getByRole("tab", { name: "Timeline" }).click();
  await page.getByTestId("timeline").waitFor();

  const box = async (id) => page.locator(`.timeline-bar[data-step-id="${id}"]`).boundingBox();
  const contacts = await box("contacts");
  const customers = await box("customers");
  const users = await box("users");
  const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width;
  assert.ok(overlaps(contacts, customers), `contacts ${JSON.stringify(contacts)} and customers ${JSON.stringify(customers)} overlap`);
  assert.ok(overlaps(contacts, users), "contacts and users overlap");
  const accounts = await box("accounts");
  assert.ok(accounts.x + accounts.width <= contacts.x + 2, `contacts ${JSON.stringify(contacts)} starts after accounts ${JSON.stringify(accounts)} ends`);
  assert.ok((await page.locator(".timeline-bar.critical").count()) >= 2, "a critical path is marked");
  await screenshot(page, "run-timeline");
  await context.close();
});

test("failing sync skips, retry failed only", async () => {
  const flowId = await flowIdByName(backend, FAILING);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  const runId = await runFromEditor(page, backend, flowId);
  await waitForStatus(page, "failed");

  assert.equal(await graphStep(page, "opportunities_v2").getAttribute("data-status"), "failed");
  assert.equal(await graphStep(page, "deals").getAttribute("data-status"), "skipped");
  assert.equal(await graphStep(page, "account_health").getAttribute("data-status"), "succeeded", "on_completion still runs");
  const errorCell = page.locator('[data-testid="step-table"] tbody[data-step-id="opportunities_v2"] .step-error');
  assert.match(await errorCell.textContent(), /no such table: opportunities_v2/);

  await page.getByRole("button", { name: "Retry failed steps" }).click();
  await page.getByTestId("confirm-action").getByRole("button", { name: "Retry failed steps" }).click();
  await page.waitForURL((url) => !url.pathname.endsWith(runId));
  await page.getByTestId("retry-of").waitFor();
  assert.equal(await page.getByTestId("retry-of").textContent(), runId);
  await waitForStatus(page, "failed");
  const retried = await page.locator('[data-testid="step-table"] tbody[data-step-id]').evaluateAll((rows) => rows.map((row) => row.dataset.stepId).sort());
  assert.deepEqual(retried, ["account_health", "deals", "opportunities_v2"], "the failed step and the steps below it run again, not those above");
  await context.close();
});

test("cancel an active run", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  const runId = await runFromEditor(page, backend, flowId);
  await page.getByRole("button", { name: "Cancel run" }).click();
  await page.getByTestId("confirm-action").getByRole("button", { name: "Cancel run" }).click();
  await waitForStatus(page, "cancelled", 60_000);
  assert.equal((await waitForRunEnd(backend, runId)).status, "cancelled");
  assert.equal(await page.getByRole("button", { name: "Retry all" }).isEnabled(), true);
  await context.close();
});

test("history filters by failed", async () => {
  const flowId = await flowIdByName(backend, FAILING);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${flowId}/runs`);
  await page.locator(".history-row[data-run-id]").first().waitFor();
  await page.getByTestId("duration-chart").waitFor();
  assert.ok((await page.locator('.chart-bar[data-status="failed"]').count()) >= 2, "failed runs are drawn in the chart");

  await page.locator('.filter-status[data-status="failed"] input').check();
  await page.waitForURL(/status=failed/);
  await page.locator(".history-row[data-run-id]").first().waitFor();
  const statuses = await page.locator(".history-row[data-run-id]").evaluateAll((rows) => rows.map((row) => row.dataset.status));
  assert.ok(statuses.length >= 2, `two failed runs listed, got ${statuses.length}`);
  assert.ok(statuses.every((status) => status === "failed"), `only failed runs: ${statuses}`);
  await screenshot(page, "run-history");

  await page.locator('.filter-status[data-status="succeeded"] input').check();
  await page.waitForURL(/status=failed%2Csucceeded|status=failed,succeeded/);
  await page.reload();
  assert.equal(await page.locator('.filter-status[data-status="failed"] input').isChecked(), true, "filters survive a reload");

  await page.getByLabel("Since").fill("2099-01-01T00:00");
  await page.waitForURL(/since=2099/);
  await page.getByTestId("history-empty").waitFor();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.waitForURL((url) => url.search === "");
  await page.locator(".history-row[data-run-id]").first().waitFor();
  await context.close();
});

test("run blocked for viewer and draft", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const viewer = await signedInContext(browser, VIEWER_TOKEN);
  const page = await viewer.newPage();
  await page.goto(`${backend.url}/flows/${flowId}`);
  await page.getByTestId("run-blocker").filter({ hasText: "viewer role" }).waitFor();
  assert.equal(await page.getByTestId("run-button").count(), 0, "no run button for a viewer");
  const { body: runs } = await api(backend, "GET", `/flows/${flowId}/runs?limit=1`);
  await page.goto(`${backend.url}/runs/${runs.items[0].id}`);
  await page.getByTestId("action-blocker").filter({ hasText: "viewer role" }).waitFor();
  for (const name of ["Retry all", "Retry failed steps", "Cancel run"]) {
    assert.equal(await page.getByRole("button", { name }).count(), 0, `no ${name} button for a viewer`);
  }
  await viewer.close();

  const context = await signedInContext(browser);
  const editor = await context.newPage();
  await editor.goto(`${backend.url}/flows/${flowId}`);
  await runEnabled(editor);
  await editor.getByRole("button", { name: "Auto-layout" }).click();
  await editor.getByTestId("run-blocker").filter({ hasText: "Save your changes first" }).waitFor();
  assert.equal(await editor.getByTestId("run-button").isDisabled(), true);
  await editor.evaluate(() => localStorage.clear());
  await context.close();
});

test("second run links active run", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const { status, body: started } = await api(backend, "POST", `/flows/${flowId}/runs`);
  assert.equal(status, 201);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${flowId}`);
  await runEnabled(page);
  await page.getByTestId("run-button").click();
  const link = page.getByTestId("run-active").getByRole("link", { name: "open it" });
  await link.waitFor();
  assert.equal(await link.getAttribute("href"), `/runs/${started.id}`);
  await waitForRunEnd(backend, started.id);
  await context.close();
});

test("contact sync alone rejects records", async () => {
  const fresh = await startBackend({ demo: true });
  try {
    const context = await signedInContext(browser);
    const page = await context.newPage();
    await page.goto(`${fresh.url}/syncs`);
    await page.locator('[data-sync-id="crm_contacts"] a').click();
    await page.getByTestId("sync-page").waitFor();
    await page.getByTestId("run-alone").click();
    await page.getByTestId("confirm-action").getByRole("button", { name: "Run alone" }).click();
    await page.waitForURL(/\/runs\//);
    await waitForStatus(page, "succeeded");

    const row = page.locator('[data-testid="step-table"] tbody[data-step-id="crm_contacts"]');
    const failed = Number((await row.locator('[data-count="failed"]').textContent()).replaceAll(",", ""));
    assert.ok(failed > 1000, `most contacts are rejected on a fresh CRM, got ${failed}`);
    await row.getByTestId("rejected").locator("summary").click();
    const reason = await row.locator(".rejected-reason").first().textContent();
    assert.match(reason, /account_id 'acc_\d+' not found in crm\.account/);
    await screenshot(page, "sync-alone-rejected");

    await page.goto(`${fresh.url}/syncs/crm_contacts`);
    await page.locator('[data-testid="sync-runs"] tr[data-run-id]').first().waitFor();
    await context.close();
  } finally {
    await fresh.cleanup();
  }
});

test("backend restart mid-run ends interrupted", async () => {
  let own = await startBackend({ demo: true });
  const dataDir = own.dataDir;
  try {
    const flowId = await flowIdByName(own, ORDERED);
    const context = await signedInContext(browser);
    const page = await context.newPage();
    const runId = await runFromEditor(page, own, flowId);
    await page.locator('[data-testid="run-link"][data-link="live"]').waitFor();
    await graphStep(page, "accounts").and(page.locator('[data-status="running"], [data-status="succeeded"]')).waitFor();

    await own.stop();
    await page.locator('[data-testid="run-link"][data-link="reconnecting"], [data-testid="run-link"][data-link="polling"]').waitFor();
    await screenshot(page, "run-reconnecting");
    own = await startBackend({ dataDir: own.dataDir, port: own.port });

    await waitForStatus(page, "interrupted", 60_000);
    await page.locator('[data-testid="run-link"][data-link="ended"]').waitFor();
    const { body } = await api(own, "GET", `/runs/${runId}`);
    assert.equal(body.status, "interrupted");
    const unfinished = await page
      .locator('[data-testid="run-graph"] [data-step-id]')
      .evaluateAll((steps) => steps.map((step) => step.dataset.status).filter((status) => ["running", "queued", "pending"].includes(status)));
    assert.deepEqual(unfinished, [], "no step is shown as still going");
    await context.close();
  } finally {
    await own.cleanup();
    // The restarted backend was given the data dir, so its cleanup keeps it.
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("refused stream falls back to polling", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  let refused = 0;
  await page.route("**/events?*", (route) => {
    refused += 1;
    return route.fulfill({ status: 503, contentType: "application/json", body: "{}" });
  });
  const runId = await runFromEditor(page, backend, flowId);

  await page.locator('[data-testid="run-link"][data-link="polling"]').waitFor();
  await waitForStatus(page, "succeeded");
  assert.ok(refused >= 1, "the page tried the event stream");
  assert.equal(await graphStep(page, "events").getAttribute("data-status"), "succeeded");
  assert.equal(await page.getByTestId("run-link").getAttribute("data-link"), "ended");
  assert.equal((await waitForRunEnd(backend, runId)).status, "succeeded");
  await context.close();
});

test("leaving run page closes stream", async () => {
  const flowId = await flowIdByName(backend, ORDERED);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  const runId = await runFromEditor(page, backend, flowId);
  await page.locator('[data-testid="run-link"][data-link="live"]').waitFor();

  const streamEnded = page.waitForEvent("requestfailed", { predicate: (request) => request.url().includes("/events"), timeout: 5_000 });
  await page.getByRole("link", { name: "Run history" }).click();
  await page.getByTestId("history-page").waitFor();
  const request = await streamEnded;
  assert.match(request.url(), new RegExp(`/runs/${runId}/events`));
  await waitForRunEnd(backend, runId);
  await context.close();
});

test("history of 100,000 runs stays windowed", async (t) => {
  let own = await startBackend({ demo: true });
  const dataDir = own.dataDir;
  try {
    const flowId = await flowIdByName(own, ORDERED);
    await own.stop();
    seedRuns(dataDir, flowId, 100_000);
    own = await startBackend({ dataDir, port: own.port });

    const context = await signedInContext(browser);
    const page = await context.newPage();
    const opened = Date.now();
    await page.goto(`${own.url}/flows/${flowId}/runs`);
    await page.locator(".history-row[data-run-id]").first().waitFor();
    const firstRowMs = Date.now() - opened;
    const firstPageMs = Number(await page.getByTestId("first-page-ms").getAttribute("data-ms"));

    // Scroll to the end of what is loaded, again and again, timing each frame.
    const scroll = page.getByTestId("history-scroll");
    const frames = await scroll.evaluate(async (list) => {
      const gaps = [];
      let last = performance.now();
      for (let i = 0; i < 120; i += 1) {
        list.scrollTop += 400;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      return gaps;
    });
    await page.waitForFunction(() => document.querySelectorAll(".history-row[data-run-id]").length > 0);
    const rendered = await page.locator(".history-row[data-run-id]").count();
    const footer = await page.getByTestId("history-footer").textContent();
    const loaded = Number(footer.match(/([\d,]+) runs loaded/)[1].replaceAll(",", ""));
    assert.ok(loaded >= 300, `scrolling loaded further pages, footer: ${footer}`);
    assert.ok(rendered < 60, `only visible rows are in the DOM, found ${rendered}`);

    const sorted = [...frames].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const worst = sorted.at(-1);
    const long = frames.filter((gap) => gap > 50).length;
    t.diagnostic(`first page ${firstPageMs} ms (request and decode), first row ${firstRowMs} ms after navigation`);
    t.diagnostic(`scroll frames: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms, ${long} of ${frames.length} over 50 ms, ${loaded} runs loaded, ${rendered} rows in the DOM`);
    await screenshot(page, "run-history-100k");
    await context.close();
  } finally {
    await own.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
