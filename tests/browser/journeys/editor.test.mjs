// The flow editor: building a flow by dragging, live validation, the lookup
// fix, undo and redo, drafts, saving, conflicts and keyboard-only use.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  api,
  centre,
  closeSession,
  dragBetween,
  openSession,
  screenshot,
  signedInContext,
  startBackend,
} from "../lib/harness.mjs";

let backend;
let browser;

before(async () => {
  ({ backend, browser } = await openSession({ demo: true }));
});

after(() => closeSession({ backend, browser }));

const step = (page, id) => page.locator(`[data-step-id="${id}"]`);
const handle = (page, id, which) => page.locator(`[data-step-id="${id}"] [data-handle="${which}"]`);
const trigger = (page, from, to) => page.locator(`[data-trigger="${from}->${to}"]`);
const problem = (page, code) => page.locator(`[data-problem-code="${code}"]`);

/** Drag a sync from the palette onto the canvas at (dx, dy) from its top-left corner. */
async function dropSync(page, syncId, dx, dy) {
  const canvas = page.getByTestId("canvas");
  await page.locator(`[data-sync-id="${syncId}"]`).dragTo(canvas, { targetPosition: { x: dx, y: dy } });
  await step(page, syncId).waitFor();
}

async function newEditor() {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/new`);
  await page.getByTestId("editor").waitFor();
  return { context, page };
}

test("build accounts, contacts, deals by dragging", async () => {
  const { context, page } = await newEditor();
  await screenshot(page, "editor-empty");

  await dropSync(page, "crm_accounts", 150, 200);
  await dropSync(page, "crm_contacts", 420, 200);
  await dropSync(page, "crm_deals", 690, 200);
  assert.equal(await problem(page, "lookup_race").count() > 0, true, "unordered lookups are flagged");

  await dragBetween(page, handle(page, "crm_accounts", "out"), handle(page, "crm_contacts", "in"));
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });
  await dragBetween(page, handle(page, "crm_contacts", "out"), handle(page, "crm_deals", "in"));
  await trigger(page, "crm_contacts", "crm_deals").waitFor({ state: "attached" });

  // Deals look up accounts too: satisfied through contacts, so no warning is left.
  await page.getByTestId("no-problems").waitFor();
  assert.match(await page.getByTestId("stages").innerText(), /Stage 1: crm_accounts\s+Stage 2: crm_contacts\s+Stage 3: crm_deals/);
  await screenshot(page, "editor-flow");
  await context.close();
});

test("cycle refused while dragging", async () => {
  const { context, page } = await newEditor();
  await dropSync(page, "crm_accounts", 150, 200);
  await dropSync(page, "crm_contacts", 420, 200);
  await dropSync(page, "crm_deals", 690, 200);
  await dragBetween(page, handle(page, "crm_accounts", "out"), handle(page, "crm_contacts", "in"));
  await dragBetween(page, handle(page, "crm_contacts", "out"), handle(page, "crm_deals", "in"));

  const start = await centre(handle(page, "crm_deals", "out"));
  const end = await centre(step(page, "crm_accounts"));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  const refusal = page.getByTestId("connection-refusal");
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /would close the cycle crm_deals → crm_accounts → crm_contacts → crm_deals/);
  assert.equal(await page.locator(".pending.refused").count(), 1);
  await screenshot(page, "editor-cycle-refused");
  await page.mouse.up();

  assert.equal(await trigger(page, "crm_deals", "crm_accounts").count(), 0);
  assert.match(await page.getByTestId("notice").innerText(), /Refused/);
  await context.close();
});

test("lookup fix, undo and redo", async () => {
  const { context, page } = await newEditor();
  await dropSync(page, "crm_accounts", 150, 300);
  await dropSync(page, "crm_contacts", 450, 120);

  const race = problem(page, "lookup_race");
  await race.waitFor();
  assert.match(await race.innerText(), /crm_contacts/);
  await race.getByRole("button", { name: "Add missing triggers" }).click();
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });
  assert.equal(await race.count(), 0);

  await page.getByTestId("canvas").focus();
  await page.keyboard.press("Control+z");
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "detached" });
  await race.waitFor();
  await page.keyboard.press("Control+Shift+z");
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });

  await page.getByRole("button", { name: "Undo" }).click();
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Redo" }).click();
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });
  await context.close();
});

test("reload finds the draft", async () => {
  const { context, page } = await newEditor();
  await dropSync(page, "billing_customers", 150, 200);
  await dropSync(page, "billing_payments", 450, 200);
  await dragBetween(page, handle(page, "billing_customers", "out"), handle(page, "billing_payments", "in"));
  await trigger(page, "billing_customers", "billing_payments").waitFor({ state: "attached" });

  await page.reload();
  await trigger(page, "billing_customers", "billing_payments").waitFor({ state: "attached" });
  assert.equal(await step(page, "billing_payments").count(), 1);
  assert.match(await page.getByTestId("notice").innerText(), /Restored your unsaved draft/);
  await context.close();
});

test("save, reopen, find it unchanged", async () => {
  const { context, page } = await newEditor();
  await page.getByLabel("Name").fill("Journey: analytics");
  await page.getByLabel("Name").press("Tab");
  await dropSync(page, "analytics_users", 150, 200);
  await dropSync(page, "analytics_events", 450, 200);
  await dragBetween(page, handle(page, "analytics_users", "out"), handle(page, "analytics_events", "in"));
  await page.getByRole("button", { name: "Save", exact: true }).click();

  await page.waitForURL(/\/flows\/flow_/);
  await page.getByText("Saved · version 1").waitFor();
  const url = page.url();
  const flowId = url.split("/").pop();
  const saved = await api(backend, "GET", `/flows/${flowId}`);
  assert.equal(saved.status, 200);
  assert.equal(saved.body.name, "Journey: analytics");
  assert.deepEqual(saved.body.triggers.map((t) => `${t.from}->${t.to}`), ["analytics_users->analytics_events"]);

  const fresh = await (await signedInContext(browser)).newPage();
  await fresh.goto(`${backend.url}/flows`);
  await fresh.getByRole("link", { name: "Journey: analytics" }).click();
  await trigger(fresh, "analytics_users", "analytics_events").waitFor({ state: "attached" });
  assert.equal(await fresh.locator("[data-step-id]").count(), 2);
  assert.match(await fresh.getByTestId("save-status").innerText(), /Saved · version 1/);
  await fresh.context().close();
  await context.close();
});

test("stale save shows the diff", async () => {
  const created = await api(backend, "POST", "/flows", {
    body: { name: "Journey: stale", steps: [{ id: "a", sync_id: "crm_accounts", position: { x: 0, y: 0 } }], triggers: [] },
  });
  assert.equal(created.status, 201);
  const id = created.body.id;

  const { context, page } = await newEditor();
  await page.goto(`${backend.url}/flows/${id}`);
  await step(page, "a").waitFor();

  const theirs = { ...created.body, name: "Renamed by a teammate" };
  const put = await api(backend, "PUT", `/flows/${id}`, { body: theirs, headers: { "If-Match": '"1"' } });
  assert.equal(put.status, 200);

  await dropSync(page, "crm_contacts", 500, 200);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const conflict = page.getByTestId("conflict");
  await conflict.waitFor();
  const text = await conflict.innerText();
  assert.match(text, /Version 2 was saved on the server/);
  assert.match(text, /Name: 'Renamed by a teammate' → 'Journey: stale'/);
  assert.match(text, /Step crm_contacts: only in yours/);
  await screenshot(page, "editor-conflict");

  await conflict.getByRole("button", { name: "Overwrite with mine" }).click();
  await page.getByText("Saved · version 3").waitFor();
  const stored = await api(backend, "GET", `/flows/${id}`);
  assert.equal(stored.body.name, "Journey: stale");
  assert.equal(stored.body.steps.length, 2);
  await context.close();
});

test("keyboard-only creation of a two-step flow", async () => {
  const { context, page } = await newEditor();
  await page.getByLabel("Search syncs").focus();
  await page.keyboard.type("CRM");
  await page.getByRole("button", { name: "Add Contacts to CRM to the flow" }).focus();
  await page.keyboard.press("Enter");
  await step(page, "crm_contacts").waitFor();
  await page.getByRole("button", { name: "Add Accounts to CRM to the flow" }).focus();
  await page.keyboard.press("Enter");
  await step(page, "crm_accounts").waitFor();

  // The new step is selected, so the inspector offers a trigger from it.
  await page.getByLabel("Add a trigger to").focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });
  await page.getByTestId("no-problems").waitFor();

  await page.getByTestId("canvas").focus();
  await page.keyboard.press("Escape");
  await page.getByLabel("Name").focus();
  await page.keyboard.press("Control+a");
  await page.keyboard.type("Journey: keyboard");
  await page.keyboard.press("Tab");
  await page.getByRole("button", { name: "Save", exact: true }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/flows\/flow_/);
  await page.getByText("Saved · version 1").waitFor();
  await context.close();
});

test("server 422 shows in the problems panel", async () => {
  // The editor loads the catalog once. The backend then restarts with a
  // catalog that no longer has crm_deals, so only the server finds the
  // unknown sync when the flow is saved.
  const own = await startBackend({ demo: true });
  try {
    const context = await signedInContext(browser);
    const page = await context.newPage();
    await page.goto(`${own.url}/flows/new`);
    await page.getByTestId("editor").waitFor();
    await dropSync(page, "crm_deals", 300, 200);

    await own.stop();
    const catalogPath = path.join(own.dataDir, "syncs.toml");
    const catalog = readFileSync(catalogPath, "utf8");
    writeFileSync(catalogPath, removeSync(catalog, "crm_deals"));
    const restarted = await startBackend({ dataDir: own.dataDir, port: own.port });
    try {
      await page.getByRole("button", { name: "Save", exact: true }).click();
      const rejected = problem(page, "unknown_sync");
      await rejected.waitFor();
      assert.match(await rejected.innerText(), /crm_deals/);
      assert.match(await page.getByTestId("notice").innerText(), /rejected the flow/);
      await screenshot(page, "editor-server-422");
    } finally {
      await restarted.stop();
    }
    await context.close();
  } finally {
    await own.cleanup();
  }
});

test("markup in a sync label shows as text", async () => {
  const own = await startBackend({ demo: true });
  await own.stop();
  const catalogPath = path.join(own.dataDir, "syncs.toml");
  const markup = "<img src=x onerror=alert(1)>";
  const catalog = readFileSync(catalogPath, "utf8").replace('label = "Accounts to CRM"', `label = "${markup}"`);
  writeFileSync(catalogPath, catalog);
  const restarted = await startBackend({ dataDir: own.dataDir, port: own.port });
  try {
    const context = await signedInContext(browser);
    const page = await context.newPage();
    const dialogs = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss();
    });
    await page.goto(`${restarted.url}/flows/new`);
    const item = page.locator('[data-sync-id="crm_accounts"]');
    await item.waitFor();
    assert.match(await item.innerText(), /<img src=x onerror=alert\(1\)>/);
    assert.equal(await page.locator(".palette img, .canvas img").count(), 0);

    await item.getByRole("button").click();
    await step(page, "crm_accounts").waitFor();
    assert.match(await step(page, "crm_accounts").textContent(), /<img src=x/);
    assert.equal(await page.locator("svg img, svg foreignObject").count(), 0);
    assert.deepEqual(dialogs, []);
    await context.close();
  } finally {
    await restarted.stop();
    await own.cleanup();
  }
});

test("export and import JSON", async () => {
  const { context, page } = await newEditor();
  await dropSync(page, "crm_accounts", 150, 200);
  await dropSync(page, "crm_contacts", 420, 200);
  await dragBetween(page, handle(page, "crm_accounts", "out"), handle(page, "crm_contacts", "in"));
  await trigger(page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(exported.format, "baton.flow");
  assert.equal(exported.flow.steps.length, 2);

  const other = await newEditor();
  await other.page.locator("#import-file").setInputFiles({ name: "flow.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)) });
  await trigger(other.page, "crm_accounts", "crm_contacts").waitFor({ state: "attached" });
  assert.match(await other.page.getByTestId("notice").innerText(), /Imported/);

  await other.page.locator("#import-file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{\"format\": \"something else\"}") });
  await other.page.getByText("Could not import 'broken.json'").waitFor();
  assert.equal(await other.page.locator("[data-step-id]").count(), 2, "a failed import changes nothing");
  await other.context.close();
  await context.close();
});

test("flows list creates, opens and deletes", async () => {
  const created = await api(backend, "POST", "/flows", { body: { name: "Journey: to delete", steps: [], triggers: [] } });
  assert.equal(created.status, 201);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows`);
  const row = page.locator(`tr[data-flow-id="${created.body.id}"]`);
  await row.waitFor();
  await screenshot(page, "flows-list");

  await row.getByRole("button", { name: "Delete Journey: to delete" }).click();
  const dialog = page.getByTestId("confirm-delete");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await row.count(), 1, "cancel keeps the flow");
  await row.getByRole("button", { name: "Delete Journey: to delete" }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await row.waitFor({ state: "detached" });
  assert.equal((await api(backend, "GET", `/flows/${created.body.id}`)).status, 404);

  await page.getByRole("link", { name: "New flow" }).click();
  await page.getByTestId("editor").waitFor();
  assert.match(page.url(), /\/flows\/new$/);
  await context.close();
});

/** The catalog text without the [[syncs]] block whose id is `id`. */
function removeSync(catalog, id) {
  const blocks = catalog.split(/(?=^\[\[)/m);
  const kept = blocks.filter((block) => !(block.startsWith("[[syncs]]") && block.includes(`id = "${id}"`)));
  assert.equal(kept.length, blocks.length - 1, `catalog has one sync ${id}`);
  return kept.join("");
}
