//! Versioned binary encoding of a catalog: encoded natively by the CLI,
//! decoded in the browser.
