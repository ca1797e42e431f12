//! Reading a corpus folder (`sigma/`, `splunk/`, `elastic/`, `attack/`) from
//! disk into rules, using the same parsers the page uses for dropped files.
