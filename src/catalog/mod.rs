//! The in-memory index and every aggregate the page shows.
