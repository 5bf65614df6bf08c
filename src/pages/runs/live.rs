//! A run as it happens: loads the run, follows its server-sent events, and
//! polls `GET /runs/{id}` while the stream is down.
//!
//! Events carry a sequence number. The browser's own reconnect sends
//! `Last-Event-ID`, so the backend resumes after the last event. A stream
//! opened anew replays from the start, and events at or below the last
//! applied number are dropped, so nothing is applied twice or missed.

use std::time::Duration;

use baton_flow::{Run, RunEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::settings::Settings;

/// Interval of `GET /runs/{id}` while the event stream is down.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// State of the connection that brings the run's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Loading,
    Connecting,
    /// Events arrive on the stream.
    Live,
    /// The stream dropped; the browser reconnects while the page polls.
    Reconnecting,
    /// The stream is closed; the page polls and opens a new stream.
    Polling,
    /// The run has finished, so nothing changes any more.
    Ended,
}

impl Link {
    pub fn label(self) -> &'static str {
        match self {
            Link::Loading => "loading",
            Link::Connecting => "connecting",
            Link::Live => "live",
            Link::Reconnecting => "reconnecting",
            Link::Polling => "polling",
            Link::Ended => "ended",
        }
    }
}

/// An open `EventSource` with the listeners it calls.
struct Stream {
    source: web_sys::EventSource,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// The signals of one watched run. Copy, so listeners take it by value.
#[derive(Clone, Copy)]
pub struct LiveRun {
    pub run: RwSignal<Option<Run>>,
    pub load_error: RwSignal<Option<ApiError>>,
    pub link: RwSignal<Link>,
    /// The reason the page polls, such as the last failed request.
    pub link_note: RwSignal<Option<String>>,
    run_id: StoredValue<String>,
    settings: StoredValue<Settings>,
    last_seq: StoredValue<u64>,
    stream: StoredValue<Option<Stream>, LocalStorage>,
    poller: StoredValue<Option<IntervalHandle>>,
}

impl LiveRun {
    /// Load `run_id` and follow it until it finishes or the calling
    /// component is cleaned up, which closes the stream and stops polling.
    pub fn watch(run_id: String, settings: Settings) -> LiveRun {
        let live = LiveRun {
            run: RwSignal::new(None),
            load_error: RwSignal::new(None),
            link: RwSignal::new(Link::Loading),
            link_note: RwSignal::new(None),
            run_id: StoredValue::new(run_id),
            settings: StoredValue::new(settings),
            last_seq: StoredValue::new(0),
            stream: StoredValue::new_local(None),
            poller: StoredValue::new(None),
        };
        on_cleanup(move || {
            live.close_stream();
            live.stop_polling();
        });
        live.load_first();
        live
    }

    /// Fetch the run again now, such as after a retry or cancel request.
    pub fn refresh(self) {
        self.fetch(false);
    }

    fn path(self) -> Option<String> {
        self.run_id
            .try_with_value(|id| format!("/runs/{}", js_sys::encode_uri_component(id)))
    }

    fn load_first(self) {
        let (Some(path), Some(settings)) = (self.path(), self.settings.try_get_value()) else {
            return;
        };
        spawn_local(async move {
            match api::get_json::<Run>(&settings, &path).await {
                Ok(run) => {
                    let active = run.summary.status.is_active();
                    if self.run.try_set(Some(run)).is_some() {
                        return;
                    }
                    if active {
                        self.open_stream();
                    } else {
                        self.link.set(Link::Ended);
                    }
                }
                Err(error) => {
                    self.load_error.try_set(Some(error));
                }
            }
        });
    }

    /// One `GET /runs/{id}`. While polling, an active run reopens the
    /// stream when none is open, and a finished run ends the polling.
    fn fetch(self, polling: bool) {
        let (Some(path), Some(settings)) = (self.path(), self.settings.try_get_value()) else {
            return;
        };
        spawn_local(async move {
            let result = api::get_json::<Run>(&settings, &path).await;
            if self.run.is_disposed() {
                return;
            }
            match result {
                Ok(run) => {
                    let active = run.summary.status.is_active();
                    self.run.set(Some(run));
                    if !active {
                        self.finish();
                    } else if polling && self.stream.with_value(Option::is_none) {
                        self.open_stream();
                    }
                    if polling {
                        self.link_note.set(None);
                    }
                }
                Err(error) => self.link_note.set(Some(format!(
                    "Could not refresh the run: {error} Baton tries again every 2 s."
                ))),
            }
        });
    }

    fn finish(self) {
        self.close_stream();
        self.stop_polling();
        self.link.try_set(Link::Ended);
        self.link_note.try_set(None);
    }

    fn open_stream(self) {
        let (Some(run_id), Some(settings)) =
            (self.run_id.try_get_value(), self.settings.try_get_value())
        else {
            return;
        };
        self.close_stream();
        let url = api::event_stream_url(&settings, &run_id);
        let source = match web_sys::EventSource::new(&url) {
            Ok(source) => source,
            Err(_) => {
                self.link_note.set(Some(format!("The browser could not open the event stream of run '{run_id}'; Baton polls the run instead.")));
                self.link.set(Link::Polling);
                self.start_polling();
                return;
            }
        };

        let mut listeners = Vec::new();
        for name in ["run", "step"] {
            listeners.push(listen(&source, name, move |event| self.receive(event)));
        }
        listeners.push(listen(&source, "open", move |_| self.on_open()));
        listeners.push(listen(&source, "error", move |_| self.on_error()));
        self.stream.set_value(Some(Stream {
            source,
            _listeners: listeners,
        }));
        self.link.set(Link::Connecting);
    }

    /// Close the stream. The listeners are dropped after the current task,
    /// because this may run inside one of them.
    fn close_stream(self) {
        if let Some(Some(stream)) = self.stream.try_update_value(Option::take) {
            stream.source.close();
            spawn_local(async move { drop(stream) });
        }
    }

    fn on_open(self) {
        self.stop_polling();
        self.link.try_set(Link::Live);
        self.link_note.try_set(None);
    }

    fn on_error(self) {
        let state = self
            .stream
            .try_with_value(|stream| stream.as_ref().map(|stream| stream.source.ready_state()));
        let Some(Some(state)) = state else { return };
        if state == web_sys::EventSource::CLOSED {
            // The browser gave up (an error status): poll, and open a new stream from there.
            self.close_stream();
            self.link.set(Link::Polling);
        } else {
            self.link.set(Link::Reconnecting);
        }
        self.start_polling();
    }

    fn receive(self, event: web_sys::Event) {
        let Some(data) = event
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|message| message.data().as_string())
        else {
            return;
        };
        let event = match serde_json::from_str::<RunEvent>(&data) {
            Ok(event) => event,
            Err(error) => {
                self.link_note.try_set(Some(format!(
                    "Ignored a run event Baton cannot read ({error}); polling the run instead."
                )));
                self.start_polling();
                return;
            }
        };
        let Some(last) = self.last_seq.try_get_value() else {
            return;
        };
        if event.seq() <= last {
            return;
        }
        self.last_seq.set_value(event.seq());

        let finished = matches!(&event, RunEvent::Run { run, .. } if !run.status.is_active());
        self.run.update(|current| {
            if let Some(current) = current {
                apply(current, event);
            }
        });
        if finished {
            // Step runs that the backend closes in bulk (an interrupted run)
            // send no event of their own, so read the final state once.
            self.finish();
            self.fetch(false);
        }
    }

    fn start_polling(self) {
        if self.poller.try_with_value(Option::is_some) != Some(false) {
            return;
        }
        match set_interval_with_handle(move || self.fetch(true), POLL_INTERVAL) {
            Ok(handle) => self.poller.set_value(Some(handle)),
            Err(_) => {
                self.link_note.set(Some(
                    "The browser refused a polling timer; reload the page to see new changes."
                        .to_string(),
                ));
            }
        }
    }

    fn stop_polling(self) {
        if let Some(Some(handle)) = self.poller.try_update_value(Option::take) {
            handle.clear();
        }
    }
}

fn listen(
    source: &web_sys::EventSource,
    name: &str,
    mut handler: impl FnMut(web_sys::Event) + 'static,
) -> Closure<dyn FnMut(web_sys::Event)> {
    let closure =
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| handler(event));
    // addEventListener throws only for a listener that is not an object, and a Closure is a function.
    let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    closure
}

/// Apply one event to the run: the run's own summary, or one step run.
pub fn apply(run: &mut Run, event: RunEvent) {
    match event {
        RunEvent::Run { run: summary, .. } => run.summary = summary,
        RunEvent::Step { step_run, .. } => match run
            .step_runs
            .iter_mut()
            .find(|current| current.step_id == step_run.step_id)
        {
            Some(current) => *current = step_run,
            None => run.step_runs.push(step_run),
        },
    }
}
