//! One run in progress: decides which steps may start, runs their attempts on
//! blocking threads under the concurrency limit, and writes every change of
//! a step run to the store together with its event.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_flow::{
    FailureAction, RecordCounts, RunEvent, RunStatus, StepRun, StepRunStatus, Trigger,
};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, Notify, Semaphore};

use super::plan::{decide, Decision, Outcome, Plan};
use super::Executor;
use crate::engine::{Control, EngineError, SyncOutcome};
use crate::store::{now, runs};

/// Message from an attempt's task to its run.
enum AttemptMessage {
    Started { index: usize, at: DateTime<Utc> },
    Finished { index: usize, result: AttemptResult },
}

enum AttemptResult {
    Succeeded(SyncOutcome),
    Failed(String),
    TimedOut(u64),
    Cancelled,
}

/// The cancel flag and latest counts of an attempt in progress.
struct AttemptHandle {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Option<RecordCounts>>>,
}

pub(super) struct RunTask {
    executor: Arc<Executor>,
    run_id: String,
    plan: Plan,
    upstream: HashMap<String, Vec<Trigger>>,
    cancel: Arc<AtomicBool>,
    wake: Arc<Notify>,
    semaphore: Arc<Semaphore>,
    messages: (
        mpsc::UnboundedSender<AttemptMessage>,
        mpsc::UnboundedReceiver<AttemptMessage>,
    ),

    status: RunStatus,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    seq: u64,
    step_runs: Vec<StepRun>,
    outcomes: HashMap<String, Outcome>,
    undecided: BTreeSet<usize>,
    /// Steps below each step, by index.
    downstream: Vec<Vec<usize>>,
    /// Upstream steps of each step that have not finished yet.
    waiting: Vec<usize>,
    /// Steps whose upstream steps have all finished, to decide next.
    ready: VecDeque<usize>,
    attempts: HashMap<usize, AttemptHandle>,
    dirty: BTreeSet<usize>,
    cancelling: bool,
}

impl RunTask {
    pub(super) fn new(
        executor: Arc<Executor>,
        run_id: String,
        plan: Plan,
        cancel: Arc<AtomicBool>,
        wake: Arc<Notify>,
    ) -> Self {
        let step_runs = plan
            .steps
            .iter()
            .map(|step| StepRun {
                step_id: step.id.clone(),
                sync_id: step.sync_id.clone(),
                status: StepRunStatus::Pending,
                attempt: 0,
                started_at: None,
                finished_at: None,
                records: RecordCounts::default(),
                error: None,
                rejected_samples: Vec::new(),
            })
            .collect();
        let semaphore = Arc::new(Semaphore::new(executor.settings.concurrency.max(1)));

        let index_of: HashMap<&str, usize> = plan
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| (step.id.as_str(), index))
            .collect();
        let mut downstream = vec![Vec::new(); plan.steps.len()];
        let mut waiting = vec![0; plan.steps.len()];
        for trigger in &plan.triggers {
            if let (Some(&from), Some(&to)) = (
                index_of.get(trigger.from.as_str()),
                index_of.get(trigger.to.as_str()),
            ) {
                downstream[from].push(to);
                waiting[to] += 1;
            }
        }
        let ready = (0..plan.steps.len())
            .filter(|&index| waiting[index] == 0)
            .collect();

        RunTask {
            upstream: plan.upstream(),
            undecided: (0..plan.steps.len()).collect(),
            executor,
            run_id,
            plan,
            cancel,
            wake,
            semaphore,
            messages: mpsc::unbounded_channel(),
            status: RunStatus::Running,
            started_at: None,
            finished_at: None,
            seq: 0,
            step_runs,
            outcomes: HashMap::new(),
            downstream,
            waiting,
            ready,
            attempts: HashMap::new(),
            dirty: BTreeSet::new(),
            cancelling: false,
        }
    }

    pub(super) async fn execute(mut self) {
        self.started_at = Some(now());
        tracing::info!(run_id = %self.run_id, flow_id = ?self.plan.flow_id, "run started");
        let mut ticker = tokio::time::interval(self.executor.settings.progress_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

        loop {
            if self.cancel.load(Ordering::SeqCst) && !self.cancelling {
                self.begin_cancel();
            }
            if !self.cancelling {
                self.decide_ready();
            }
            if self.attempts.is_empty() && !self.undecided.is_empty() && !self.cancelling {
                self.fail_unreachable();
            }
            self.flush().await;
            if self.attempts.is_empty() && (self.cancelling || self.undecided.is_empty()) {
                break;
            }

            tokio::select! {
                Some(message) = self.messages.1.recv() => {
                    self.handle(message);
                    // Take every message already waiting, so one write covers them all.
                    while let Ok(message) = self.messages.1.try_recv() {
                        self.handle(message);
                    }
                }
                _ = ticker.tick() => self.collect_progress(),
                () = self.wake.notified() => {}
            }
        }

        self.finish().await;
    }

    /// Starts, passes through or skips every step whose upstream steps have
    /// all finished; a skip or pass-through readies the steps below at once.
    fn decide_ready(&mut self) {
        while let Some(index) = self.ready.pop_front() {
            if !self.undecided.remove(&index) {
                continue;
            }
            let step = &self.plan.steps[index];
            let triggers = self
                .upstream
                .get(&step.id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            // Every upstream step has finished, so every trigger has an outcome
            // to check, unless two steps share an id, which validation rejects.
            let Some(decision) = decide(step, triggers, &self.outcomes) else {
                let note = "cannot start: two steps of the flow share this id".to_string();
                self.end_step(index, StepRunStatus::Failed, Outcome::Failed, Some(note));
                continue;
            };

            match decision {
                Decision::Run => self.spawn_attempt(index),
                Decision::PassThrough => {
                    let note = "step is disabled; passed through to the steps below".to_string();
                    self.end_step(
                        index,
                        StepRunStatus::Skipped,
                        Outcome::PassedThrough,
                        Some(note),
                    );
                }
                Decision::Skip { blocked_by } => {
                    let note = format!("skipped: upstream step `{blocked_by}` did not succeed");
                    self.end_step(index, StepRunStatus::Skipped, Outcome::Skipped, Some(note));
                }
            }
        }
    }

    /// Fails steps that can never start; only a flow whose triggers form a
    /// cycle gets here, which validation rejects before it is stored.
    fn fail_unreachable(&mut self) {
        for index in std::mem::take(&mut self.undecided) {
            let note = "cannot start: the triggers above this step form a cycle".to_string();
            self.end_step(index, StepRunStatus::Failed, Outcome::Failed, Some(note));
        }
    }

    fn spawn_attempt(&mut self, index: usize) {
        let step = &self.plan.steps[index];
        let step_run = &mut self.step_runs[index];
        step_run.attempt += 1;
        step_run.status = StepRunStatus::Queued;
        self.dirty.insert(index);

        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&progress);
        let control = Control::new(Arc::clone(&cancel), move |counts| {
            *sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(counts);
        });
        self.attempts.insert(
            index,
            AttemptHandle {
                cancel: Arc::clone(&cancel),
                progress,
            },
        );

        let timeout_secs = step
            .timeout_secs
            .map(u64::from)
            .unwrap_or(self.executor.settings.default_timeout.as_secs());
        let attempt = Attempt {
            index,
            sync_id: step.sync_id.clone(),
            timeout: Duration::from_secs(timeout_secs.max(1)),
            control,
            cancel,
            semaphore: Arc::clone(&self.semaphore),
            runner: Arc::clone(&self.executor.runner),
            messages: self.messages.0.clone(),
        };
        tokio::spawn(attempt.run());
    }

    fn handle(&mut self, message: AttemptMessage) {
        match message {
            AttemptMessage::Started { index, at } => {
                let step_run = &mut self.step_runs[index];
                step_run.status = StepRunStatus::Running;
                step_run.started_at.get_or_insert(at);
                tracing::info!(run_id = %self.run_id, step_id = %step_run.step_id, attempt = step_run.attempt, "step started");
                self.dirty.insert(index);
            }
            AttemptMessage::Finished { index, result } => {
                let handle = self.attempts.remove(&index);
                if let Some(counts) = handle.and_then(|handle| take_progress(&handle.progress)) {
                    self.step_runs[index].records = counts;
                }
                self.attempt_finished(index, result);
            }
        }
    }

    fn attempt_finished(&mut self, index: usize, result: AttemptResult) {
        let error = match result {
            AttemptResult::Succeeded(outcome) => {
                let step_run = &mut self.step_runs[index];
                step_run.records = outcome.records;
                step_run.rejected_samples = outcome.rejected_samples;
                step_run.error = None;
                self.end_step(index, StepRunStatus::Succeeded, Outcome::Succeeded, None);
                return;
            }
            AttemptResult::Cancelled => {
                self.end_step(
                    index,
                    StepRunStatus::Cancelled,
                    Outcome::Cancelled,
                    Some("cancelled".to_string()),
                );
                return;
            }
            AttemptResult::Failed(error) => error,
            AttemptResult::TimedOut(secs) => {
                format!("timed out after {secs} s; raise the step's timeout_secs")
            }
        };

        let step = &self.plan.steps[index];
        let attempt = self.step_runs[index].attempt;
        if !self.cancelling && attempt <= step.failure_policy.retries {
            tracing::warn!(run_id = %self.run_id, step_id = %step.id, attempt, %error, "step attempt failed; retrying");
            self.step_runs[index].error = Some(error);
            self.spawn_attempt(index);
            return;
        }
        self.end_step(index, StepRunStatus::Failed, Outcome::Failed, Some(error));
    }

    fn end_step(
        &mut self,
        index: usize,
        status: StepRunStatus,
        outcome: Outcome,
        error: Option<String>,
    ) {
        let step_run = &mut self.step_runs[index];
        step_run.status = status;
        step_run.finished_at = Some(now());
        step_run.error = error;
        self.outcomes.insert(step_run.step_id.clone(), outcome);
        self.dirty.insert(index);
        for &below in &self.downstream[index] {
            if self.waiting[below] == 0 {
                continue;
            }
            self.waiting[below] -= 1;
            if self.waiting[below] == 0 {
                self.ready.push_back(below);
            }
        }

        let records = step_run.records;
        match status {
            StepRunStatus::Failed => tracing::warn!(
                run_id = %self.run_id, step_id = %step_run.step_id, sync_id = %step_run.sync_id,
                error = step_run.error.as_deref().unwrap_or(""), "step failed"
            ),
            _ => tracing::info!(
                run_id = %self.run_id, step_id = %step_run.step_id, sync_id = %step_run.sync_id, ?status,
                processed = records.processed, failed = records.failed, "step finished"
            ),
        }
    }

    fn begin_cancel(&mut self) {
        self.cancelling = true;
        for handle in self.attempts.values() {
            handle.cancel.store(true, Ordering::SeqCst);
        }
        for index in std::mem::take(&mut self.undecided) {
            self.end_step(
                index,
                StepRunStatus::Cancelled,
                Outcome::Cancelled,
                Some("cancelled before it started".to_string()),
            );
        }
    }

    fn collect_progress(&mut self) {
        for (index, handle) in &self.attempts {
            if let Some(counts) = take_progress(&handle.progress) {
                self.step_runs[*index].records = counts;
                self.dirty.insert(*index);
            }
        }
    }

    async fn finish(&mut self) {
        let failed = self
            .plan
            .steps
            .iter()
            .zip(&self.step_runs)
            .any(|(step, step_run)| {
                step_run.status == StepRunStatus::Failed
                    && step.failure_policy.on_failure == FailureAction::FailRun
            });
        self.status = if self.cancelling {
            RunStatus::Cancelled
        } else if failed {
            RunStatus::Failed
        } else {
            RunStatus::Succeeded
        };
        self.finished_at = Some(now());
        self.flush_run().await;

        let totals = self
            .step_runs
            .iter()
            .fold((0, 0), |(processed, rejected), step_run| {
                (
                    processed + step_run.records.processed,
                    rejected + step_run.records.failed,
                )
            });
        tracing::info!(
            run_id = %self.run_id, flow_id = ?self.plan.flow_id, status = ?self.status,
            processed = totals.0, rejected = totals.1, "run finished"
        );
    }

    /// Writes the changed step runs and the run's totals in one transaction,
    /// then sends their events to live subscribers.
    async fn flush(&mut self) {
        if self.dirty.is_empty() && self.seq > 0 {
            return;
        }
        self.flush_run().await;
    }

    async fn flush_run(&mut self) {
        let steps: Vec<StepRun> = std::mem::take(&mut self.dirty)
            .into_iter()
            .map(|index| self.step_runs[index].clone())
            .collect();
        let first_seq = self.seq + 1;
        self.seq += steps.len() as u64 + 1;

        let run_id = self.run_id.clone();
        let state = self.run_state();
        let stopping = self.executor.is_stopping();
        let written = self
            .executor
            .store
            .call(move |conn| {
                // Checked under the store's lock: once the process stops, the
                // run stays as `stop` marked it.
                if stopping.load(Ordering::SeqCst) {
                    return Ok(Vec::new());
                }
                let tx = conn.transaction()?;
                let mut events = Vec::with_capacity(steps.len() + 1);
                for (offset, step) in steps.iter().enumerate() {
                    events.push(runs::write_step(
                        &tx,
                        &run_id,
                        step,
                        first_seq + offset as u64,
                    )?);
                }
                let run_seq = first_seq + steps.len() as u64;
                events.push(runs::write_run(&tx, &run_id, &state, run_seq)?);
                tx.commit()?;
                Ok(events)
            })
            .await;

        match written {
            Ok(events) => self.broadcast(events),
            Err(error) => {
                tracing::error!(run_id = %self.run_id, %error, "cannot write the run's progress to the store")
            }
        }
    }

    /// Sums the step runs in memory into the run's status, times and totals.
    fn run_state(&self) -> runs::RunState {
        let mut records = RecordCounts::default();
        let mut steps_failed = 0;
        for step_run in &self.step_runs {
            records.processed += step_run.records.processed;
            records.inserted += step_run.records.inserted;
            records.updated += step_run.records.updated;
            records.deleted += step_run.records.deleted;
            records.failed += step_run.records.failed;
            steps_failed += u32::from(step_run.status == StepRunStatus::Failed);
        }
        runs::RunState {
            status: self.status,
            started_at: self.started_at,
            finished_at: self.finished_at,
            steps_failed,
            records,
        }
    }

    fn broadcast(&self, events: Vec<RunEvent>) {
        for event in events {
            // An error means no client listens now; the store keeps the event for replay.
            let _ = self.executor.events.send((self.run_id.clone(), event));
        }
    }
}

fn take_progress(progress: &Mutex<Option<RecordCounts>>) -> Option<RecordCounts> {
    progress
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take()
}

/// One attempt of a step run, executed in its own task.
struct Attempt {
    index: usize,
    sync_id: String,
    timeout: Duration,
    control: Control,
    cancel: Arc<AtomicBool>,
    semaphore: Arc<Semaphore>,
    runner: Arc<dyn super::StepRunner>,
    messages: mpsc::UnboundedSender<AttemptMessage>,
}

impl Attempt {
    async fn run(self) {
        let index = self.index;
        let messages = self.messages.clone();
        let result = self.execute().await;
        // An error means the run's task has ended, so the result has no reader.
        let _ = messages.send(AttemptMessage::Finished { index, result });
    }

    async fn execute(self) -> AttemptResult {
        // This module never closes the semaphore, so acquiring cannot fail.
        let Ok(_permit) = Arc::clone(&self.semaphore).acquire_owned().await else {
            return AttemptResult::Failed("the run's concurrency limit was closed".to_string());
        };
        if self.cancel.load(Ordering::SeqCst) {
            return AttemptResult::Cancelled;
        }
        let _ = self.messages.send(AttemptMessage::Started {
            index: self.index,
            at: now(),
        });

        let runner = self.runner;
        let sync_id = self.sync_id;
        let control = self.control;
        let mut handle = tokio::task::spawn_blocking(move || runner.run(&sync_id, &control));

        match tokio::time::timeout(self.timeout, &mut handle).await {
            Ok(Ok(Ok(outcome))) => AttemptResult::Succeeded(outcome),
            Ok(Ok(Err(EngineError::Cancelled))) => AttemptResult::Cancelled,
            Ok(Ok(Err(error))) => AttemptResult::Failed(error.to_string()),
            Ok(Err(join_error)) => {
                AttemptResult::Failed(format!("the sync run stopped unexpectedly: {join_error}"))
            }
            Err(_elapsed) => {
                // Stop the engine and wait, so the next attempt never overlaps this one.
                self.cancel.store(true, Ordering::SeqCst);
                let _ = handle.await;
                AttemptResult::TimedOut(self.timeout.as_secs())
            }
        }
    }
}
