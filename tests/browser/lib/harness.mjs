// Starts the real backend and Debian's Chromium for the browser journeys.
//
// Every journey runs its own backend on a free port of 127.0.0.1, with a
// fresh data directory, serving the release build of the dashboard.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const backendBin = process.env.BATON_BACKEND;
const distDir = process.env.BATON_DIST;
export const artifactsDir = path.resolve("artifacts");

export const EDITOR_TOKEN = "ci-editor-secret";
export const VIEWER_TOKEN = "ci-viewer-secret";

/** A port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start baton-backend and wait until /api/v1/health responds.
 * Options: demo (create the demo data), dataDir (reuse a directory), port.
 */
export async function startBackend({ demo = false, dataDir, port } = {}) {
  if (!backendBin || !distDir) {
    throw new Error("Set BATON_BACKEND (the baton-backend binary) and BATON_DIST (the dashboard build); `make test` sets both.");
  }
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), "baton-journey-"));
  const listenPort = port ?? (await freePort());
  const args = [
    "--addr", `127.0.0.1:${listenPort}`,
    "--data-dir", dir,
    "--dist", distDir,
    "--token", `ci-editor:editor:${EDITOR_TOKEN}`,
    "--token", `ci-viewer:viewer:${VIEWER_TOKEN}`,
  ];
  if (demo) args.push("--demo");

  const child = spawn(backendBin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "info" } });
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));

  const url = `http://127.0.0.1:${listenPort}`;
  await waitForHealth(url, child, () => log);

  return {
    url,
    port: listenPort,
    dataDir: dir,
    log: () => log,
    /** Stop with SIGTERM and wait for the process to end. */
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
    /** Remove the data directory, unless the caller passed its own. */
    async cleanup() {
      await this.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(url, child, log) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`baton-backend exited with code ${child.exitCode} before it was healthy:\n${log()}`);
    }
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`baton-backend was not healthy at ${url} within 120 s:\n${log()}`);
}

/** Debian's Chromium, headless, with no traffic of its own to the network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Store the token in the dashboard's settings, as a user would. */
export async function signIn(page, baseUrl, token = EDITOR_TOKEN) {
  await page.goto(`${baseUrl}/settings`);
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Saved.").waitFor();
}

export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/** A browser context whose dashboard settings already hold `token`. */
export async function signedInContext(browser, token = EDITOR_TOKEN) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((value) => {
    try {
      if (!localStorage.getItem("baton.settings")) {
        localStorage.setItem("baton.settings", JSON.stringify({ api_base: "", token: value }));
      }
    } catch {
      // Pages such as about:blank have no local storage.
    }
  }, token);
  return context;
}

/** Call the backend's API as the editor token; returns { status, headers, body }. */
export async function api(backend, method, path, { body, headers = {}, token = EDITOR_TOKEN } = {}) {
  const response = await fetch(`${backend.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** The centre of an element, for pointer gestures. */
export async function centre(locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`element not visible: ${locator}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag from one element's centre to another's with the mouse, in small moves. */
export async function dragBetween(page, from, to) {
  const start = await centre(from);
  const end = await centre(to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
}

/** The id of the flow named `name`, from GET /flows. */
export async function flowIdByName(backend, name) {
  const { status, body } = await api(backend, "GET", "/flows");
  if (status !== 200) throw new Error(`GET /flows failed with status ${status}`);
  const flow = body.find((item) => item.name === name);
  if (!flow) throw new Error(`no flow named "${name}"; the backend has: ${body.map((item) => item.name).join(", ")}`);
  return flow.id;
}

/** Wait until run `runId` is no longer queued or running; returns the run. */
export async function waitForRunEnd(backend, runId, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await api(backend, "GET", `/runs/${runId}`);
    if (body && !["queued", "running"].includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
}

/**
 * Insert `count` finished runs of `flowId` straight into the store of a
 * stopped backend's data dir, one a minute back from 2026-11-30, every
 * seventh one failed. Needs the sqlite3 command-line shell.
 */
export function seedRuns(dataDir, flowId, count) {
  const sql = `
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${Number(count)})
    INSERT INTO runs (id, flow_id, flow_version, status, trigger_reason, triggered_by, created_at, started_at, finished_at,
                      step_count, steps_failed, processed, inserted, failed, step_ids)
    SELECT printf('run_seed_%06d', i), '${flowId.replaceAll("'", "''")}', 1,
           CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'succeeded' END, 'schedule', 'schedule',
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-30T00:00:00Z', printf('-%d minutes', i)),
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-30T00:00:00Z', printf('-%d minutes', i)),
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-30T00:00:00Z', printf('-%d minutes', i), printf('+%d seconds', 5 + i % 40)),
           7, CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END, 120500, 120500, CASE WHEN i % 7 = 0 THEN 12 ELSE 0 END, '[]'
    FROM n;`;
  const result = spawnSync("sqlite3", [path.join(dataDir, "baton.sqlite")], { input: sql, encoding: "utf8" });
  if (result.error) throw new Error(`could not run sqlite3 (${result.error.message}); install the sqlite3 package`);
  if (result.status !== 0) throw new Error(`sqlite3 failed to seed runs: ${result.stderr}`);
}

/** Start a backend (with `startBackend` options) and Chromium for one journey file. */
export async function openSession(options) {
  const backend = await startBackend(options);
  const browser = await launchBrowser();
  return { backend, browser };
}

/** Close what `openSession` started, skipping what failed to start. */
export async function closeSession({ backend, browser }) {
  await browser?.close();
  await backend?.cleanup();
}
