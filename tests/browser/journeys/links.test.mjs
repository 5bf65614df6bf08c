// Links and sharing: draft links that carry a flow, their preview and
// errors, saved versions and their comparison, and the read-only viewer.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  api,
  closeSession,
  openSession,
  screenshot,
  signedInContext,
  VIEWER_TOKEN,
} from "../lib/harness.mjs";

let backend;
let browser;

before(async () => {
  ({ backend, browser } = await openSession({ demo: true }));
});

after(() => closeSession({ backend, browser }));

async function createFlow(name) {
  const body = {
    name,
    steps: [
      { id: "accounts", sync_id: "crm_accounts", position: { x: 0, y: 0 } },
      { id: "contacts", sync_id: "crm_contacts", position: { x: 300, y: 0 } },
    ],
    triggers: [{ from: "accounts", to: "contacts" }],
  };
  const created = await api(backend, "POST", "/flows", { body });
  assert.equal(created.status, 201);
  return created.body;
}

/** Make a draft link in the editor of `flowId` after adding a deals step. */
async function shareDraft(flowId) {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${flowId}`);
  await page.locator('[data-step-id="contacts"]').waitFor();
  await page.getByRole("button", { name: "Add Deals to CRM to the flow" }).click();
  await page.locator('[data-step-id="crm_deals"]').waitFor();
  await page.getByRole("button", { name: "Share draft" }).click();
  const link = await page.getByTestId("share-link").inputValue();
  await context.close();
  return link;
}

test("draft link opens as a preview elsewhere", async () => {
  const flow = await createFlow("Links: shared draft");
  const link = await shareDraft(flow.id);
  assert.match(link, new RegExp(`^${backend.url}/draft#[A-Za-z0-9_-]+$`));
  assert.doesNotMatch(link, /ci-editor-secret|ci-viewer-secret/);

  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByTestId("draft-preview").waitFor();
  assert.match(await page.getByRole("heading", { level: 1 }).innerText(), /Draft: Links: shared draft/);
  assert.equal(await page.locator('.diagram [data-step-id="crm_deals"][data-mark="added"]').count(), 1);
  assert.match(await page.getByTestId("draft-diff").innerText(), /Step crm_deals: only in the draft/);
  assert.ok((await page.locator('[data-problem-code="unconnected_step"]').count()) > 0, "the preview validates the draft");
  await screenshot(page, "draft-preview");

  await page.getByRole("button", { name: "Save as a new flow" }).click();
  await page.waitForURL((url) => /\/flows\/flow_/.test(url.pathname) && !url.pathname.endsWith(flow.id));
  await page.locator('[data-step-id="crm_deals"]').waitFor();
  const newId = new URL(page.url()).pathname.split("/").pop();
  const saved = await api(backend, "GET", `/flows/${newId}`);
  assert.equal(saved.body.steps.length, 3);
  const original = await api(backend, "GET", `/flows/${flow.id}`);
  assert.equal(original.body.steps.length, 2, "the original flow is untouched");
  await context.close();
});

test("editor copies the flow link", async () => {
  const flow = await createFlow("Links: copy");
  const context = await signedInContext(browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: backend.url });
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${flow.id}`);
  await page.locator('[data-step-id="contacts"]').waitFor();
  await page.getByRole("button", { name: "Copy link", exact: true }).click();
  const link = page.getByTestId("share-link");
  assert.equal(await link.inputValue(), `${backend.url}/flows/${flow.id}`);
  await page.getByTestId("share-panel").getByRole("button", { name: "Copy link" }).click();
  await page.getByTestId("share-panel").getByText("Copied.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${backend.url}/flows/${flow.id}`);
  await context.close();
});

test("draft link opens in the editor", async () => {
  const flow = await createFlow("Links: open draft");
  const link = await shareDraft(flow.id);
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole("button", { name: "Open in the editor" }).click();
  await page.waitForURL(`${backend.url}/flows/${flow.id}`);
  await page.locator('[data-step-id="crm_deals"]').waitFor();
  assert.match(await page.getByTestId("save-status").innerText(), /Unsaved changes/);
  await context.close();
});

test("corrupt draft links show an error page", async () => {
  const flow = await createFlow("Links: corrupt");
  const link = await shareDraft(flow.id);
  const [prefix, code] = link.split("#");
  const flipped = code.slice(0, 20) + (code[20] === "A" ? "B" : "A") + code.slice(21);
  const cases = {
    empty: `${prefix}#`,
    truncated: `${prefix}#${code.slice(0, Math.floor(code.length / 2))}`,
    tampered: `${prefix}#${flipped}`,
    "bad characters": `${prefix}#${code.slice(0, 10)}%%%!!${code.slice(10)}`,
    "random text": `${prefix}#hello-world`,
  };
  const context = await signedInContext(browser);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  for (const [name, url] of Object.entries(cases)) {
    await page.goto("about:blank");
    await page.goto(url);
    const error = page.getByTestId("draft-error");
    await error.waitFor();
    assert.match(await error.innerText(), /This draft link cannot be opened/, name);
  }
  await screenshot(page, "draft-error");
  assert.deepEqual(pageErrors, [], "no panic or script error");
  await context.close();
});

test("too long draft offers JSON export", async () => {
  // Random step ids do not compress, so 900 of them make a link far over the limit.
  const { randomBytes } = await import("node:crypto");
  const steps = Array.from({ length: 900 }, (_, index) => ({
    id: `s${index}_${randomBytes(40).toString("hex")}`,
    sync_id: "crm_accounts",
    position: { x: (index % 30) * 300, y: Math.floor(index / 30) * 110 },
  }));
  const created = await api(backend, "POST", "/flows", { body: { name: "Links: huge", steps, triggers: [] } });
  assert.equal(created.status, 201);

  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${created.body.id}`);
  await page.locator("[data-step-id]").first().waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Share draft" }).click();
  const message = page.getByTestId("share-too-long");
  await message.waitFor();
  assert.match(await message.innerText(), /longer than the 64000 that Baton offers/);
  assert.equal(await page.getByTestId("share-link").count(), 0);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("share-panel").getByRole("button", { name: "Export JSON" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /links-huge\.baton\.json$/);
  await context.close();
});

test("compare two saved versions", async () => {
  const flow = await createFlow("Links: versions");
  const changed = {
    ...flow,
    steps: [...flow.steps, { id: "deals", sync_id: "crm_deals", position: { x: 600, y: 0 } }],
    triggers: [{ from: "accounts", to: "contacts" }, { from: "contacts", to: "deals" }],
  };
  const put = await api(backend, "PUT", `/flows/${flow.id}`, { body: changed, headers: { "If-Match": '"1"' } });
  assert.equal(put.status, 200);

  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${flow.id}/versions`);
  const table = page.getByTestId("versions-table");
  await table.waitFor();
  assert.match(await table.innerText(), /Version 2[\s\S]*ci-editor[\s\S]*Version 1/);
  await page.getByRole("link", { name: "Compare with the previous version" }).click();
  await page.getByTestId("version-diff").waitFor();
  assert.match(await page.getByTestId("version-diff").innerText(), /Step deals: only in version 2/);
  assert.equal(await page.locator('.diagram [data-step-id="deals"][data-mark="added"]').count(), 1);
  assert.equal(await page.locator('.diagram [data-trigger="contacts->deals"][data-mark="added"]').count(), 1);
  await screenshot(page, "version-compare");

  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: backend.url });
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.getByText("Link copied.").waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, page.url());
  assert.match(copied, /\/versions\/2\?compare=1$/);

  // The same link in a fresh browser context shows the same comparison.
  const fresh = await (await signedInContext(browser)).newPage();
  await fresh.goto(copied);
  await fresh.getByTestId("version-diff").waitFor();
  assert.equal(await fresh.locator('.diagram [data-mark="added"]').count(), 2);
  await fresh.context().close();

  await page.reload();
  await page.getByTestId("version-diff").waitFor();
  await page.goto(`${backend.url}/flows/${flow.id}/versions/9`);
  const missing = page.getByTestId("not-found");
  await missing.waitFor();
  assert.match(await missing.innerText(), /has no version 9/);
  await context.close();
});

test("viewer finds no write controls", async () => {
  const flow = await createFlow("Links: viewer");
  const context = await signedInContext(browser, VIEWER_TOKEN);
  const page = await context.newPage();
  await page.goto(`${backend.url}/flows/${flow.id}`);
  await page.locator('[data-step-id="contacts"]').waitFor();
  await page.getByTestId("read-only").waitFor();

  for (const name of ["Save", "Undo", "Redo", "Auto-layout", "Delete"]) {
    assert.equal(await page.getByRole("button", { name, exact: true }).count(), 0, `no ${name} button`);
  }
  assert.equal(await page.locator("[data-sync-id]").count(), 0, "no palette");
  assert.equal(await page.getByText("Import JSON").isVisible(), false, "no Import JSON");
  await page.locator('[data-step-id="contacts"] .step-box').click();
  assert.equal(await page.getByRole("button", { name: "Remove step" }).isVisible(), false, "no Remove step");
  await page.keyboard.press("Delete");
  assert.equal(await page.locator('[data-step-id="contacts"]').count(), 1, "delete does nothing");
  await screenshot(page, "editor-viewer");

  await page.goto(`${backend.url}/flows`);
  await page.getByTestId("flows-table").waitFor();
  await page.getByTestId("read-only").waitFor();
  assert.equal(await page.getByRole("link", { name: "New flow" }).count(), 0, "no New flow for a viewer");
  assert.equal(await page.getByRole("button", { name: /^Delete / }).count(), 0, "no Delete for a viewer");
  await context.close();
});
