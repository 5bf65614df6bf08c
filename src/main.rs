//! Baton: the browser dashboard for sync sequences.

mod api;
mod app;
mod format;
mod pages;
mod settings;
mod status;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
