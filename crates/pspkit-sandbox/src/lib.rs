//! pspkit-sandbox: a local, stateful emulator of OnlyOnePays, FireKassa, FirstPay, OnePay and
//! OnChainPay, for tests, demos and users' own CI.
//!
//! Every operation of `specs/*.yaml` is answered; the objects clients create (OnePay cashouts,
//! OnChainPay orders, FirstPay payments, FireKassa transactions, ...) are kept, listed in the
//! provider's pagination style and moved through their statuses by `POST /_sandbox/advance`
//! (which also delivers signed webhooks). Authentication is checked as each provider checks it.
//! Faults are injected per request (`x-pspkit-fault` header), queued for the next requests
//! (`POST /_sandbox/faults {"faults": ["503", "reset"]}`), or for the whole run. `GET /_sandbox/inspect` shows
//! what was created and requested.
//!
//! ```no_run
//! # async fn demo() {
//! let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config::default()).await.expect("starts");
//! let onepay = pspkit_onepay::OnePay::new(sandbox.credentials().onepay_secret_key.as_str()).unwrap()
//!     .with_base_url(&sandbox.base_url("onepay"));
//! # }
//! ```

mod admin;
pub mod auth;
mod dispatch;
pub mod faults;
pub mod inbox;
mod listener;
pub mod openapi;
pub mod refusal;
pub mod requests;
mod respond;
pub mod server;
pub mod spec;
pub mod store;
mod sync;
pub mod validate;

pub use auth::Credentials;
pub use faults::{Fault, FaultPlan};
pub use inbox::{Delivery, Inbox};
pub use server::{Config, Sandbox, start};
pub use spec::Provider;
