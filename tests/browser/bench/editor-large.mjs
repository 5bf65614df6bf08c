// Measures the editor on a large flow in headless Chromium: the time from
// opening the flow to the first painted step, and the frame times while one
// step is dragged. Prints the figures; docs/benchmarks.md records them.
//
// Usage (after `make dashboard backend`):
//   cd tests/browser && BATON_BACKEND=../../target/debug/baton-backend BATON_DIST=../../dist \
//     node bench/editor-large.mjs [STEPS]
// With PROFILE=1 it also prints the functions that took the most time in
// the second after the drop (names show in a `trunk build` debug build).

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
  // Syncs without lookups: the demo catalog has ten syncs, so 2,000 steps
  // repeat each one; with lookups, every repeat would race every writer of
  // the same object and the figures would measure thousands of warnings
  // instead of the editor. crates/flow benchmarks validation on its own.
  const syncIds = syncs.body.filter((sync) => sync.lookups.length === 0 && sync.id !== "crm_opportunities_v2").map((sync) => sync.id);
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
  // The step nearest the canvas centre, so that the whole drag stays in view.
  const movedId = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
    const cx = canvas.left + canvas.width / 2;
    const cy = canvas.top + canvas.height / 2;
    let best = null;
    let bestDistance = Infinity;
    for (const box of document.querySelectorAll("[data-step-id] .step-box")) {
      const rect = box.getBoundingClientRect();
      const distance = Math.hypot(rect.left + rect.width / 2 - cx, rect.top + rect.height / 2 - cy);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = box.closest("[data-step-id]").getAttribute("data-step-id");
      }
    }
    return best;
  });
  const target = page.locator(`[data-step-id="${movedId}"] .step-box`);
  const before = await page.locator(`[data-step-id="${movedId}"]`).getAttribute("transform");
  const start = await centre(target);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let move = 1; move <= 120; move += 1) {
    await page.mouse.move(start.x + move * 2, start.y + move);
  }
  const dragFrames = await page.evaluate(() => window.frameTimes.length);
  const cdp = process.env.PROFILE ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  await page.mouse.up();
  await page.waitForTimeout(1000);
  if (cdp) {
    const { profile } = await cdp.send("Profiler.stop");
    const selfTime = new Map();
    const dt = profile.timeDeltas;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const name = byId.get(id).callFrame.functionName || "(anonymous)";
      selfTime.set(name, (selfTime.get(name) ?? 0) + (dt[index] ?? 0) / 1000);
    });
    console.error([...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([n, t]) => `${t.toFixed(1)} ms ${n}`).join("\n"));
  }
  const times = await page.evaluate(() => {
    window.recording = false;
    return window.frameTimes;
  });
  const after = await page.locator(`[data-step-id="${movedId}"]`).getAttribute("transform");
  if (before === after) throw new Error(`step ${movedId} did not move: transform stayed ${before}`);
  const intervals = times.slice(1).map((time, index) => time - times[index]);
  // The frames after the drop include the one edit that moves the step,
  // validation of the new flow and the re-render of what changed.
  const dropIntervals = intervals.slice(dragFrames - 1);
  const dragIntervals = intervals.slice(0, dragFrames - 1);

  console.log(JSON.stringify({ steps: stepCount, moved: `${movedId}: ${before} -> ${after}`, rendered_steps: rendered, open_to_first_paint_ms: Math.round(firstPaintMs), drag: summary(dragIntervals), drop_max_frame_ms: Math.max(...dropIntervals).toFixed(1) }, null, 2));
  await context.close();
} finally {
  await browser.close();
  await backend.cleanup();
}
