//! Workspace tests, one binary: the specs against the project's rules, every spec example
//! against the generated types, the generated API snapshots, and decoding over real HTTP.

mod builders;
mod conformance;
mod credentials;
mod decoding;
mod examples;
mod fuzz;
mod json_schemas;
mod normalized;
mod nullable;
mod pagination;
mod require_one_of;
mod retry_after;
mod runtime;
mod secrets;
mod signatures;
mod snapshots;
mod specs;
mod tls;
mod webhooks;
