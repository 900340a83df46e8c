//! The log of requests the sandbox answered: exact counts per operation for the inspection
//! endpoint, and only the most recent requests themselves, so a long run stays in bounded memory.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Map, Value, json};

use crate::spec::Provider;

/// How many recent requests are kept (older ones are only counted).
pub const RECENT: usize = 1000;

/// Requests answered, per operation, and the latest few.
#[derive(Default)]
pub struct RequestLog {
    counts: BTreeMap<(Provider, String), u64>,
    total: u64,
    recent: VecDeque<(Provider, String, u16)>,
}

impl RequestLog {
    /// Records one request: provider, operationId and the HTTP status answered (0: none, the
    /// connection was dropped).
    pub fn record(&mut self, provider: Provider, op: &str, status: u16) {
        *self.counts.entry((provider, op.to_owned())).or_default() += 1;
        self.total += 1;
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back((provider, op.to_owned(), status));
    }

    /// `{"requests": {provider: {operationId: n}}, "requests_total": n, "recent_requests": [..]}`
    /// (the newest last).
    pub fn inspect(&self) -> Value {
        let mut requests: Map<String, Value> = Map::new();
        for ((p, op), n) in &self.counts {
            requests.entry(p.name()).or_insert_with(|| json!({}))[op.as_str()] = json!(n);
        }
        let recent: Vec<Value> = self
            .recent
            .iter()
            .map(|(p, op, status)| json!({"provider": p.name(), "operation": op, "status": status}))
            .collect();
        json!({"requests": requests, "requests_total": self.total, "recent_requests": recent})
    }
}
