//! The rulescope command line.

fn main() {}
