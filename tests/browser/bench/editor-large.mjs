// Measures the editor on a large flow in headless Chromium: the time from
// opening the flow to the first painted step, and the frame times while one
// step is dragged. Prints the figures; docs/benchmarks.md records them.
//
// Usage (after `make dashboard backend`):
//   cd tests/browser && BATON_BACKEND=../../target/debug/baton-backend BATON_DIST=../../dist \
//     node bench/editor-large.mjs [STEPS]

import { api, centre, launchBrowser, signedInContext, startBackend } from "../lib/harness.mjs";

const stepCount = Number(process.argv[2] ?? 2000);
const rows = 40;

function largeFlow(syncIds) {
  const steps = [];
  const triggers = [];
  for (let index = 0; index < stepCount; index += 1) {
    const column = Math.floor(index / rows);
    const row = index % rows;
    steps.push({ id: `s${index}`, sync_id: syncIds[index % syncIds.length], position: { x: column * 300, y: row * 110 } });
    if (column > 0) triggers.push({ from: `s${index - rows}`, to: `s${index}` });
  }
  return { name: `Benchmark: ${stepCount} steps`, steps, triggers };
}

function summary(intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    frames: sorted.length,
    mean_ms: mean.toFixed(1),
    p50_ms: pick(0.5).toFixed(1),
    p95_ms: pick(0.95).toFixed(1),
    max_ms: sorted[sorted.length - 1].toFixed(1),
    over_20_ms: sorted.filter((value) => value > 20).length,
  };
}

const backend = await startBackend({ demo: true });
const browser = await launchBrowser();
try {
  const syncs = await api(backend, "GET", "/syncs");
  const syncIds = syncs.body.filter((sync) => sync.id !== "crm_opportunities_v2").map((sync) => sync.id);
  const created = await api(backend, "POST", "/flows", { body: largeFlow(syncIds) });
  if (created.status !== 201) throw new Error(`creating the flow failed: ${JSON.stringify(created.body)}`);

  const context = await signedInContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  page.on("console", (message) => message.type() === "error" && console.error("console:", message.text()));
  await page.goto(`${backend.url}/flows/${created.body.id}`, { waitUntil: "commit" });
  await page.locator("[data-step-id]").first().waitFor({ state: "attached", timeout: 120_000 });
  const firstPaintMs = await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))),
  );
  const rendered = await page.locator("[data-step-id]").count();

  await page.evaluate(() => {
    window.frameTimes = [];
    const record = (time) => {
      window.frameTimes.push(time);
      if (window.recording) requestAnimationFrame(record);
    };
    window.recording = true;
    requestAnimationFrame(record);
  });
  const target = page.locator("[data-step-id] .step-box").first();
  const start = await centre(target);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let move = 1; move <= 120; move += 1) {
    await page.mouse.move(start.x + move * 2, start.y + move);
  }
  await page.mouse.up();
  const times = await page.evaluate(() => {
    window.recording = false;
    return window.frameTimes;
  });
  const intervals = times.slice(1).map((time, index) => time - times[index]);

  console.log(JSON.stringify({ steps: stepCount, rendered_steps: rendered, open_to_first_paint_ms: Math.round(firstPaintMs), drag: summary(intervals) }, null, 2));
  await context.close();
} finally {
  await browser.close();
  await backend.cleanup();
}
