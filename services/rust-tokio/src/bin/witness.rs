//! rust-tokio's /overhead methods OUTSIDE the server: the witness the bench overhead-fidelity
//! compares the row's /overhead with (service.json, overheadWitness). The same crate's
//! overhead and validation modules on the same multi-threaded runtime, in a bare process (no
//! hyper, no metrics, no guard).
//!
//!   target/release/rust-tokio-witness --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]
//!
//! --warmup: three unmeasured runs first of min(N, max(10C, 50)) tasks, as the other witnesses
//! do. Prints the /overhead JSON plus "unit" and "where": "standalone"; exits 2 on bad arguments.
use rust_tokio::contract::Contract;
use rust_tokio::{overhead, validation};

const WARMUP_RUNS: usize = 3;

fn parse(args: &[String]) -> Result<(validation::Query, bool), String> {
    let mut q = Vec::new();
    let mut warmup = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let name = match flag.as_str() {
            "--warmup" => {
                warmup = true;
                continue;
            }
            "--mode" => "mode",
            "--workers" => "workers",
            "--tasks" => "tasks",
            "--sleep-ms" => "sleep_ms",
            other => return Err(format!("unexpected argument '{other}'")),
        };
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        q.push((name.to_string(), value.clone()));
    }
    Ok((q, warmup))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fail = |reason: String| -> ! {
        eprintln!("rust-tokio-witness: {reason}");
        std::process::exit(2);
    };
    let contract = Contract::default_path().and_then(|p| Contract::load(&p)).unwrap_or_else(|e| fail(e));
    let (q, warmup) = parse(&args).unwrap_or_else(|e| fail(e));
    // The same parser as the server's: same limits, same one-line reasons.
    let p = validation::overhead(&contract, &q).unwrap_or_else(|e| fail(e));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap_or_else(|e| fail(format!("runtime: {e}")));
    let result = rt.block_on(async {
        if warmup {
            let mut w = p.clone();
            w.tasks = p.tasks.min((10 * p.workers).max(50));
            for _ in 0..WARMUP_RUNS {
                overhead::run(w.clone()).await;
            }
        }
        overhead::run(p).await
    });
    let json = result.to_json();
    println!("{},\"unit\":\"tasks\",\"where\":\"standalone\"}}", json.trim_end_matches('}'));
}
