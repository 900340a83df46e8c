//! Authentication failures, idempotency, faults, statefulness and webhooks, through the typed
//! clients.
