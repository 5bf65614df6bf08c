// Exact links: every kind of link opens the same screen in a fresh browser
// context and after a reload, and a link to a missing object opens a
// not-found page that names it, never another object.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  api,
  closeSession,
  flowIdByName,
  openSession,
  signedInContext,
  waitForRunEnd,
} from "../lib/harness.mjs";

let backend;
let browser;
let flowId;
let runId;

before(async () => {
  ({ backend, browser } = await openSession({ demo: true }));
  flowId = await flowIdByName(backend, "Daily CRM, billing and analytics");
  const started = await api(backend, "POST", `/flows/${flowId}/runs`);
  assert.equal(started.status, 201);
  runId = started.body.id;
  await waitForRunEnd(backend, runId);
});

after(() => closeSession({ backend, browser }));

/** Each kind of link, with a check that the right screen is shown. */
function links() {
  return [
    {
      kind: "flow",
      path: `/flows/${flowId}`,
      check: async (page) => {
        await page.locator('[data-testid="editor"] [data-step-id="accounts"]').waitFor({ state: "attached" });
        assert.match(await page.locator(".toolbar-title").innerText(), /Daily CRM, billing and analytics/);
      },
    },
    {
      kind: "version",
      path: `/flows/${flowId}/versions/1`,
      check: async (page) => {
        await page.getByRole("heading", { name: "Daily CRM, billing and analytics: version 1" }).waitFor();
        assert.equal(await page.locator('.diagram [data-step-id="deals"]').count(), 1);
      },
    },
    {
      kind: "run",
      path: `/runs/${runId}`,
      check: async (page) => {
        await page.locator(`[data-testid="run-page"][data-run-id="${runId}"]`).waitFor();
        await page.getByTestId("run-status").filter({ hasText: "succeeded" }).waitFor();
      },
    },
    {
      kind: "step in a run",
      path: `/runs/${runId}/steps/contacts`,
      check: async (page) => {
        const step = page.locator('tbody[data-step-id="contacts"]');
        await step.waitFor();
        assert.match(await step.getAttribute("class"), /highlighted/);
        assert.equal(await page.locator("tbody.highlighted").count(), 1);
      },
    },
    {
      kind: "history with filters",
      path: `/flows/${flowId}/runs?status=succeeded`,
      check: async (page) => {
        await page.getByTestId("history-page").waitFor();
        await page.getByRole("link", { name: runId }).waitFor();
        assert.equal(await page.getByRole("checkbox", { name: "succeeded" }).isChecked(), true);
        assert.equal(await page.getByRole("checkbox", { name: "failed" }).isChecked(), false);
      },
    },
    {
      kind: "sync",
      path: "/syncs/crm_contacts",
      check: async (page) => {
        await page.getByRole("heading", { name: "Contacts to CRM" }).waitFor();
      },
    },
  ];
}

test("every link opens the same screen", async () => {
  for (const { kind, path, check } of links()) {
    const context = await signedInContext(browser);
    const page = await context.newPage();
    await page.goto(`${backend.url}${path}`);
    await check(page);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, path, `${kind}: the address stays`);
    await page.reload();
    await check(page);
    await context.close();
  }
});

test("links to missing objects show not found", async () => {
  const cases = [
    { path: "/flows/flow_missing", text: /no flow with id 'flow_missing'/ },
    { path: `/flows/${flowId}/versions/99`, text: /has no version 99/ },
    { path: "/runs/run_missing", text: /run 'run_missing'/ },
    { path: `/runs/${runId}/steps/missing_step`, text: /has no step 'missing_step'/ },
    { path: "/syncs/missing_sync", text: /missing_sync/ },
  ];
  const context = await signedInContext(browser);
  const page = await context.newPage();
  for (const { path, text } of cases) {
    await page.goto(`${backend.url}${path}`);
    const notFound = page.getByTestId("not-found");
    await notFound.first().waitFor();
    assert.equal(await notFound.count(), 1, `${path}: one not-found page`);
    assert.match(await notFound.innerText(), text, path);
    assert.ok((await notFound.getByRole("link").count()) > 0, `${path}: links to what exists`);
    assert.equal(await page.locator('[data-testid="run-page"] tbody[data-step-id]').count(), 0, `${path}: shows no other object`);
  }
  await context.close();
});
