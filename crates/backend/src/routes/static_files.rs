//! Serving a built dashboard: files as they are, and index.html for any
//! other path so that deep links such as `/flows/abc` load the app.

use std::path::Path;

use tower_http::services::{ServeDir, ServeFile};

pub fn service(dist: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")))
}
