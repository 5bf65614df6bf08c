//! The editor's state: the flow being edited, the edits that undo and redo
//! it, what is selected, and what validation finds after every edit.

use std::collections::{BTreeSet, HashMap};

use baton_flow::edit::{self, Edit, EditError};
use baton_flow::geometry::Viewport;
use baton_flow::{Flow, Problem, Role, Severity, StepId, Sync, TriggerRef};
use leptos::prelude::*;

use crate::status::use_status;

/// Message shown when a viewer token tries to change the flow.
pub const READ_ONLY_NOTE: &str = "Read-only: your token has the viewer role, which can look at flows but not change, save or run them. Use an editor token in Settings to edit.";

/// Reason the editor did not apply an edit, after showing it to the user.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyError {
    ReadOnly,
    Edit(EditError),
}

/// The selected steps, or one selected trigger.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    pub steps: BTreeSet<StepId>,
    pub trigger: Option<TriggerRef>,
}

/// A message in the editor's notice bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
}

/// The saved copy of the flow on the backend, with its `ETag`.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub flow: Flow,
    pub etag: String,
}

/// Every signal of one editor. Copy, so closures take it by value.
#[derive(Clone, Copy)]
pub struct Editor {
    pub flow: RwSignal<Flow>,
    pub syncs: RwSignal<Vec<Sync>>,
    pub saved: RwSignal<Option<Saved>>,
    undo: RwSignal<Vec<Edit>>,
    redo: RwSignal<Vec<Edit>>,
    pub selection: RwSignal<Selection>,
    pub viewport: RwSignal<Viewport>,
    pub notice: RwSignal<Option<Notice>>,
    /// Problems the backend returned with a 422, until the next edit.
    pub server_problems: RwSignal<Vec<Problem>>,
    pub problems: Memo<Vec<Problem>>,
    /// The worst severity of a problem per step, for highlighting.
    pub step_severity: Memo<HashMap<StepId, Severity>>,
    /// Set by focusing a problem: its steps and triggers are outlined.
    pub focused: RwSignal<Option<Problem>>,
    /// True for a viewer token: the flow can be looked at, not changed.
    pub read_only: Memo<bool>,
}

impl Editor {
    pub fn new(flow: Flow, syncs: Vec<Sync>, saved: Option<Saved>) -> Editor {
        let status = use_status();
        let flow = RwSignal::new(flow);
        let syncs = RwSignal::new(syncs);
        let problems = Memo::new(move |_| {
            let flow = flow.read();
            let syncs = syncs.read();
            baton_flow::validate(&flow, &syncs)
        });
        let step_severity = Memo::new(move |_| {
            let mut worst: HashMap<StepId, Severity> = HashMap::new();
            for problem in problems.read().iter() {
                for step in &problem.steps {
                    let entry = worst.entry(step.clone()).or_insert(problem.severity);
                    *entry = (*entry).min(problem.severity);
                }
            }
            worst
        });
        Editor {
            flow,
            syncs,
            saved: RwSignal::new(saved),
            undo: RwSignal::new(Vec::new()),
            redo: RwSignal::new(Vec::new()),
            selection: RwSignal::new(Selection::default()),
            viewport: RwSignal::new(Viewport::default()),
            notice: RwSignal::new(None),
            server_problems: RwSignal::new(Vec::new()),
            problems,
            step_severity,
            focused: RwSignal::new(None),
            read_only: Memo::new(move |_| status.role() == Some(Role::Viewer)),
        }
    }

    /// Apply `edit` and remember its inverse for undo. On error the flow is
    /// unchanged and the error is shown.
    pub fn apply(&self, edit: Edit) -> Result<(), ApplyError> {
        if self.read_only.get_untracked() {
            self.error(READ_ONLY_NOTE);
            return Err(ApplyError::ReadOnly);
        }
        let mut next = self.flow.get_untracked();
        match edit::apply(&mut next, edit) {
            Ok(inverse) => {
                self.flow.set(next);
                self.undo.update(|stack| stack.push(inverse));
                self.redo.update(Vec::clear);
                self.after_edit();
                Ok(())
            }
            Err(error) => {
                self.error(format!("That change was not applied: {error}."));
                Err(ApplyError::Edit(error))
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.read().is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.read().is_empty()
    }

    pub fn undo(&self) {
        self.step_history(self.undo, self.redo, "undo");
    }

    pub fn redo(&self) {
        self.step_history(self.redo, self.undo, "redo");
    }

    /// Pop an edit from `from`, apply it, and push its inverse onto `to`.
    fn step_history(&self, from: RwSignal<Vec<Edit>>, to: RwSignal<Vec<Edit>>, what: &str) {
        if self.read_only.get_untracked() {
            self.error(READ_ONLY_NOTE);
            return;
        }
        let Some(edit) = from.try_update(Vec::pop).flatten() else {
            return;
        };
        let mut next = self.flow.get_untracked();
        match edit::apply(&mut next, edit) {
            Ok(inverse) => {
                self.flow.set(next);
                to.update(|stack| stack.push(inverse));
                self.after_edit();
            }
            Err(error) => self.error(format!("Could not {what}: {error}.")),
        }
    }

    /// Replace the whole flow, such as after loading the server's copy; the
    /// history starts over.
    pub fn reset(&self, flow: Flow) {
        self.flow.set(flow);
        self.undo.update(Vec::clear);
        self.redo.update(Vec::clear);
        self.selection.set(Selection::default());
        self.after_edit();
    }

    fn after_edit(&self) {
        self.server_problems.update(Vec::clear);
        let flow = self.flow.read_untracked();
        // Only notify when something selected is gone: every step and
        // trigger on the canvas watches the selection.
        self.selection.maybe_update(|selection| {
            let before = selection.steps.len();
            selection.steps.retain(|id| flow.step(id).is_some());
            let mut changed = selection.steps.len() != before;
            if let Some(trigger) = &selection.trigger {
                if !flow.triggers.iter().any(|t| t.from == trigger.from && t.to == trigger.to) {
                    selection.trigger = None;
                    changed = true;
                }
            }
            changed
        });
    }

    pub fn info(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { kind: NoticeKind::Info, text: text.into() }));
    }

    pub fn success(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { kind: NoticeKind::Success, text: text.into() }));
    }

    pub fn error(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { kind: NoticeKind::Error, text: text.into() }));
    }

    pub fn sync(&self, id: &str) -> Option<Sync> {
        self.syncs.read_untracked().iter().find(|sync| sync.id == id).cloned()
    }

    /// A step id for a new step of `sync_id`: the sync's id, or with a
    /// number appended when a step already has it.
    pub fn new_step_id(&self, sync_id: &str) -> StepId {
        let flow = self.flow.read_untracked();
        let base: String = sync_id.chars().take(baton_flow::limits::MAX_STEP_ID_CHARS - 6).collect();
        if flow.step(&base).is_none() {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|candidate| flow.step(candidate).is_none())
            .unwrap_or(base)
    }

    /// Whether the flow differs from its saved copy (or was never saved).
    pub fn is_dirty(&self) -> bool {
        let flow = self.flow.read();
        match &*self.saved.read() {
            Some(saved) => !baton_flow::diff::diff(&saved.flow, &flow).is_empty(),
            None => true,
        }
    }

    pub fn error_count(&self) -> usize {
        self.problems.read().iter().filter(|problem| problem.is_error()).count()
    }
}
