// The dashboard shell: layout, settings, deep links, and the backend status.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { closeSession, openSession, screenshot, signIn } from "../lib/harness.mjs";

let backend;
let browser;

before(async () => {
  ({ backend, browser } = await openSession());
});

after(() => closeSession({ backend, browser }));

test("shell shows layout and healthy status", async () => {
  const page = await browser.newPage();
  await page.goto(backend.url);

  await page.getByRole("link", { name: "Baton" }).waitFor();
  for (const name of ["Flows", "Syncs", "Settings"]) {
    assert.ok(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).isVisible(), `nav link ${name}`);
  }
  const status = page.locator(".status");
  await status.and(page.locator('[data-status="healthy"]')).waitFor();
  assert.match(await status.innerText(), /Backend ok · no token/);
  assert.match(await page.getByTestId("status-banner").innerText(), /No token set/);

  await signIn(page, backend.url);
  await page.getByText("Backend ok · ci-editor (editor)").waitFor();
  assert.equal(await page.getByTestId("status-banner").count(), 0);
  await page.goto(backend.url);
  await page.getByRole("heading", { name: "Flows" }).waitFor();
  await screenshot(page, "shell");
  await page.close();
});

test("settings reject a malformed API base URL", async () => {
  const page = await browser.newPage();
  await page.goto(`${backend.url}/settings`);
  await page.getByLabel("API base URL").fill("localhost:8080");
  await page.getByRole("button", { name: "Save" }).click();

  const error = page.locator(".form-error");
  await error.waitFor();
  assert.match(await error.innerText(), /'localhost:8080' must start with http:\/\/ or https:\/\//);
  await page.close();
});

test("deep link loads the app, not a server 404", async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${backend.url}/flows/abc`);
  assert.equal(response.status(), 200);
  await page.getByRole("link", { name: "Baton" }).waitFor();

  await page.goto(`${backend.url}/no/such/page`);
  const notFound = page.getByTestId("not-found");
  await notFound.waitFor();
  assert.match(await notFound.innerText(), /no page at \/no\/such\/page/);
  await page.close();
});

test("stopped backend shows unreachable message", async () => {
  const page = await browser.newPage();
  await page.goto(backend.url);
  await page.locator('.status[data-status="healthy"]').waitFor();

  await backend.stop();
  await page.locator('.status[data-status="unreachable"]').waitFor({ timeout: 20_000 });
  const banner = page.getByTestId("status-banner");
  assert.match(await banner.innerText(), /Baton cannot reach the backend/);
  assert.match(await banner.innerText(), new RegExp(`${backend.url}/api/v1/health`));
  await screenshot(page, "shell-unreachable");
  await page.close();
});
