//! rust-tokio: the echo job on tokio tasks (a multi-threaded runtime, one worker thread per
//! core), hyper 0.14 for the HTTP server and the upstream client. The binary (main.rs) wires
//! these modules; the overhead witness (bin/witness.rs) runs `overhead` alone.
pub mod config;
pub mod contract;
pub mod cpu;
pub mod echo;
pub mod http;
pub mod limits;
pub mod line;
pub mod metrics;
pub mod overhead;
pub mod procstats;
pub mod tasks;
pub mod upstream;
pub mod validation;

pub const IMPL: &str = "rust-tokio";
pub const MODEL: &str = "tokio tasks on a multi-threaded runtime (hyper, tokio::net)";
