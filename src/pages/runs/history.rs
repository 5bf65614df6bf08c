//! A flow's run history, with filters by status and time range kept in the
//! query string. The list loads page after page as it scrolls and renders
//! only the rows in view. A chart of run durations shows failures in red.

use baton_flow::{Flow, Page, RunStatus, RunSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use wasm_bindgen::JsCast;

use super::run_href;
use crate::api::{self, ApiError};
use crate::format::{
    count, duration_ms, elapsed_ms, local_input_to_utc, local_time, run_status_label,
    trigger_reason_label, utc_time, utc_to_local_input,
};
use crate::pages::common::{api_resource, CopyLinkButton, ErrorPanel};
use crate::pages::path_segment;
use crate::settings::use_settings;

/// Height of one row of the list, in pixels; the CSS uses the same value.
const ROW_HEIGHT: f64 = 40.0;
/// Height of the scrolling list, in pixels; the CSS uses the same value.
const LIST_HEIGHT: f64 = 480.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;
/// Runs per request.
const PAGE_SIZE: u32 = 100;
/// The chart shows at most this many of the newest loaded runs.
const CHART_RUNS: usize = 200;

const STATUSES: [RunStatus; 6] = [
    RunStatus::Queued,
    RunStatus::Running,
    RunStatus::Succeeded,
    RunStatus::Failed,
    RunStatus::Cancelled,
    RunStatus::Interrupted,
];

/// The filters of the query string.
#[derive(Debug, Clone, PartialEq, Default)]
struct Filters {
    statuses: Vec<RunStatus>,
    since: Option<String>,
    until: Option<String>,
}

impl Filters {
    /// The query string for the page and the API, without cursor and limit.
    fn query(&self) -> String {
        let mut parts = Vec::new();
        if !self.statuses.is_empty() {
            let list: Vec<&str> = self
                .statuses
                .iter()
                .map(|status| run_status_label(*status))
                .collect();
            parts.push(format!("status={}", list.join(",")));
        }
        if let Some(since) = &self.since {
            parts.push(format!("since={}", js_sys::encode_uri_component(since)));
        }
        if let Some(until) = &self.until {
            parts.push(format!("until={}", js_sys::encode_uri_component(until)));
        }
        parts.join("&")
    }
}

/// The loaded rows and where the next page starts.
#[derive(Clone, Copy)]
struct Rows {
    items: RwSignal<Vec<RunSummary>>,
    next_cursor: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    /// Milliseconds the first page took, shown for the benchmark.
    first_page_ms: RwSignal<Option<f64>>,
    /// Bumped when the filters change, so a response for old filters is dropped.
    generation: StoredValue<u64>,
}

#[component]
pub fn RunHistoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let flow_id = Memo::new(move |_| params.read().get("flow_id").unwrap_or_default());
    let filters = Memo::new(move |_| {
        let query = query.read();
        let statuses = query
            .get("status")
            .map(|list| {
                list.split(',')
                    .filter_map(|name| {
                        STATUSES
                            .iter()
                            .copied()
                            .find(|status| run_status_label(*status) == name)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Filters {
            statuses,
            since: query.get("since").filter(|v| !v.is_empty()),
            until: query.get("until").filter(|v| !v.is_empty()),
        }
    });
    let flow =
        api_resource::<Flow>(move || format!("/flows/{}", path_segment(&flow_id.get())));
    let rows = Rows {
        items: RwSignal::new(Vec::new()),
        next_cursor: RwSignal::new(None),
        loading: RwSignal::new(false),
        error: RwSignal::new(None),
        first_page_ms: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    let settings = use_settings().settings;

    let load = move |first: bool| {
        if rows.loading.get_untracked() && !first {
            return;
        }
        let cursor = if first {
            None
        } else {
            rows.next_cursor.get_untracked()
        };
        if !first && cursor.is_none() {
            return;
        }
        if first {
            rows.generation.update_value(|value| *value += 1);
            rows.items.set(Vec::new());
            rows.next_cursor.set(None);
            rows.error.set(None);
        }
        let generation = rows.generation.get_value();
        let mut path = format!(
            "/flows/{}/runs?limit={PAGE_SIZE}",
            path_segment(&flow_id.get_untracked())
        );
        let filter_query = filters.get_untracked().query();
        if !filter_query.is_empty() {
            path.push('&');
            path.push_str(&filter_query);
        }
        if let Some(cursor) = cursor {
            path.push_str(&format!(
                "&cursor={}",
                js_sys::encode_uri_component(&cursor)
            ));
        }
        let settings = settings.get_untracked();
        rows.loading.set(true);
        let started = js_sys::Date::now();
        spawn_local(async move {
            let result = api::get_json::<Page<RunSummary>>(&settings, &path).await;
            if rows.generation.try_get_value() != Some(generation) {
                return;
            }
            rows.loading.set(false);
            match result {
                Ok(page) => {
                    if first {
                        rows.first_page_ms.set(Some(js_sys::Date::now() - started));
                    }
                    rows.items.update(|items| items.extend(page.items));
                    rows.next_cursor.set(page.next_cursor);
                }
                Err(error) => rows.error.set(Some(error)),
            }
        });
    };
    Effect::new(move |_| {
        flow_id.track();
        filters.track();
        settings.track();
        load(true);
    });

    view! {
        <section class="page history-page" data-testid="history-page">
            <header class="page-header page-header-row">
                <div>
                    <h1>"Run history"</h1>
                    <p class="page-lede">"Flow "<a href=move || format!("/flows/{}", path_segment(&flow_id.get())) data-testid="history-flow">
                        {move || flow.get().and_then(Result::ok).map_or_else(|| flow_id.get(), |flow| flow.name)}</a></p>
                </div>
                <CopyLinkButton/>
            </header>
            <FilterBar flow_id filters/>
            <DurationChart rows=rows.items/>
            {move || rows.error.get().map(|error| view! { <ErrorPanel error what="the run history"/> })}
            <RunList rows on_near_end=Callback::new(move |_| load(false))/>
            <p class="history-footer muted" data-testid="history-footer">
                {move || {
                    let loaded = rows.items.with(Vec::len);
                    let more = if rows.next_cursor.with(Option::is_some) { ", more below" } else { "" };
                    format!("{} runs loaded{more}.", count(loaded as u64))
                }}
                {move || rows.first_page_ms.get().map(|ms| view! { <span data-testid="first-page-ms" data-ms=format!("{ms:.0}")>{format!(" First page in {ms:.0} ms.")}</span> })}
                " "
                <button type="button" class="button button-small" data-testid="load-more" disabled=move || rows.loading.get() || rows.next_cursor.with(Option::is_none)
                    on:click=move |_| load(false)>{move || if rows.loading.get() { "Loading…" } else { "Load more" }}</button>
            </p>
        </section>
    }
}

#[component]
fn FilterBar(flow_id: Memo<String>, filters: Memo<Filters>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |next: Filters| {
        let query = next.query();
        let base = format!(
            "/flows/{}/runs",
            path_segment(&flow_id.get_untracked())
        );
        let href = if query.is_empty() {
            base
        } else {
            format!("{base}?{query}")
        };
        navigate(&href, Default::default());
    };
    let toggles = STATUSES
        .iter()
        .map(|status| {
            let status = *status;
            let label = run_status_label(status);
            let go = go.clone();
            view! {
                <label class="check filter-status" data-status=label>
                    <input type="checkbox" name="status" value=label prop:checked=move || filters.with(|f| f.statuses.contains(&status))
                        on:change=move |_| {
                            let mut next = filters.get_untracked();
                            if next.statuses.contains(&status) { next.statuses.retain(|s| *s != status) } else { next.statuses.push(status) }
                            go(next);
                        }/>
                    {label}
                </label>
            }
        })
        .collect_view();
    let clear = go.clone();
    let time_input = move |label: &'static str, which: fn(&mut Filters) -> &mut Option<String>| {
        let go = go.clone();
        let value = move || {
            let mut current = filters.get();
            which(&mut current)
                .clone()
                .and_then(|text| chrono::DateTime::parse_from_rfc3339(&text).ok())
                .map(|at| utc_to_local_input(at.with_timezone(&chrono::Utc)))
                .unwrap_or_default()
        };
        view! {
            <label class="filter-time">{label}" "
                <input type="datetime-local" name=label prop:value=value on:change=move |event| {
                    let text = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|input| input.value()).unwrap_or_default();
                    let mut next = filters.get_untracked();
                    *which(&mut next) = local_input_to_utc(&text).map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    go(next);
                }/>
            </label>
        }
    };

    view! {
        <form class="filter-bar" data-testid="history-filters" on:submit=|event| event.prevent_default()>
            <fieldset class="filter-statuses"><legend>"Status"</legend>{toggles}</fieldset>
            {time_input("Since", |filters| &mut filters.since)}
            {time_input("Until", |filters| &mut filters.until)}
            <button type="button" class="button button-small" on:click=move |_| clear(Filters::default())>"Clear filters"</button>
        </form>
    }
}

/// The runs as a scrolling list that renders only the rows in view.
#[component]
fn RunList(rows: Rows, on_near_end: Callback<()>) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0f64);
    let total = move || rows.items.with(Vec::len);
    let window = Memo::new(move |_| {
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let visible = (LIST_HEIGHT / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        let end = (first + visible).min(total());
        (first.min(end), end)
    });
    // Load the next page once the last rows come into view.
    Effect::new(move |_| {
        let (_, end) = window.get();
        let len = total();
        if len > 0
            && end + OVERSCAN >= len
            && rows.next_cursor.with(Option::is_some)
            && !rows.loading.get()
        {
            on_near_end.run(());
        }
    });

    // Keyed by run id, so rows that stay in view are kept while scrolling.
    let visible_rows = move || {
        let (first, end) = window.get();
        rows.items.with(|items| {
            let slice = items.get(first..end).unwrap_or(&[]);
            slice
                .iter()
                .enumerate()
                .map(|(offset, run)| (first + offset, run.clone()))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="history-table" role="table" aria-label="Runs" data-testid="history-table">
            <div class="history-row history-head" role="row">
                <span role="columnheader">"Run"</span><span role="columnheader">"Status"</span><span role="columnheader">"Trigger"</span>
                <span role="columnheader">"Started"</span><span role="columnheader" class="num">"Duration"</span>
                <span role="columnheader" class="num">"Steps failed"</span><span role="columnheader" class="num">"Records failed"</span>
            </div>
            <div class="history-scroll" data-testid="history-scroll" style=move || format!("height: {}px", (total() as f64 * ROW_HEIGHT).min(LIST_HEIGHT)) on:scroll=move |event| {
                if let Some(element) = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) {
                    scroll_top.set(f64::from(element.scroll_top()));
                }
            }>
                <div class="history-space" style=move || format!("height: {}px", total() as f64 * ROW_HEIGHT)>
                    <For each=visible_rows key=|(index, run)| (*index, run.id.clone()) let:((index, run))>
                        <HistoryRow run top=index as f64 * ROW_HEIGHT/>
                    </For>
                </div>
            </div>
            {move || (total() == 0 && !rows.loading.get() && rows.error.with(Option::is_none)).then(|| view! {
                <p class="empty" data-testid="history-empty">"No runs match these filters."</p>
            })}
        </div>
    }
}

#[component]
fn HistoryRow(run: RunSummary, top: f64) -> impl IntoView {
    let status = run_status_label(run.status);
    let started = run.started_at.unwrap_or(run.created_at);
    let duration = elapsed_ms(run.started_at, run.finished_at)
        .map(duration_ms)
        .unwrap_or_default();
    view! {
        <div class="history-row" role="row" data-run-id=run.id.clone() data-status=status style=format!("top: {top}px")>
            <span role="cell"><a href=run_href(&run.id)><code>{run.id.clone()}</code></a></span>
            <span role="cell"><span class="run-status" data-status=status>{status}</span></span>
            <span role="cell">{trigger_reason_label(run.trigger_reason)}</span>
            <span role="cell"><time datetime=started.to_rfc3339() title=utc_time(started)>{local_time(started)}</time></span>
            <span role="cell" class="num">{duration}</span>
            <span role="cell" class="num">{run.steps_failed}</span>
            <span role="cell" class="num">{count(run.records.failed)}</span>
        </div>
    }
}

/// Durations of the newest loaded runs, oldest on the left; failed and
/// interrupted runs are drawn in the error color.
#[component]
fn DurationChart(rows: RwSignal<Vec<RunSummary>>) -> impl IntoView {
    const WIDTH: f64 = 800.0;
    const HEIGHT: f64 = 120.0;
    const MAX_SLOT: f64 = 16.0;
    // A memo, so that loading older pages does not redraw the chart of the newest runs.
    let points = Memo::new(move |_| {
        rows.with(
            |items| -> Vec<(String, RunStatus, u64, chrono::DateTime<chrono::Utc>)> {
                items
                    .iter()
                    .take(CHART_RUNS)
                    .filter_map(|run| {
                        Some((
                            run.id.clone(),
                            run.status,
                            elapsed_ms(run.started_at, run.finished_at)?,
                            run.created_at,
                        ))
                    })
                    .collect()
            },
        )
    });
    move || {
        let points = points.get();
        if points.is_empty() {
            return None;
        }
        let longest = points.iter().map(|point| point.2).max().unwrap_or(1).max(1) as f64;
        // Few runs get narrow bars at the right, where the newest run sits.
        let slot = (WIDTH / points.len() as f64).min(MAX_SLOT);
        let left = WIDTH - slot * points.len() as f64;
        let bars = points
            .iter()
            .rev()
            .enumerate()
            .map(|(index, (id, status, ms, at))| {
                let height = (*ms as f64 / longest * (HEIGHT - 4.0)).max(2.0);
                let label = run_status_label(*status);
                view! {
                    <rect class="chart-bar" data-status=label data-run-id=id.clone() x=left + index as f64 * slot + slot * 0.15 y=HEIGHT - height
                        width=(slot * 0.7).max(1.0) height=height>
                        <title>{format!("{id}: {label}, {} at {}", duration_ms(*ms), local_time(*at))}</title>
                    </rect>
                }
            })
            .collect_view();
        let (oldest, newest) = (points.last().map(|p| p.3), points.first().map(|p| p.3));
        Some(view! {
            <figure class="duration-chart" data-testid="duration-chart">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" height=HEIGHT preserveAspectRatio="none" role="img"
                    aria-label="Run durations over time; failed runs in red">
                    <line class="chart-axis" x1="0" y1=HEIGHT - 0.5 x2=WIDTH y2=HEIGHT - 0.5/>
                    {bars}
                </svg>
                <figcaption class="muted">
                    {format!("Duration of the last {} loaded runs (longest {}), ", points.len(), duration_ms(longest as u64))}
                    {oldest.map(local_time)}" to "{newest.map(local_time)}". Failed and interrupted runs are red."
                </figcaption>
            </figure>
        })
    }
}
