//! The two kinds of CPU work a request may ask for after its fetch, both run on the calling
//! task's worker thread (no spawn_blocking): while they run, that thread serves no other task,
//! which is exactly what a cooperative scheduler costs and head-of-line shows.
use sha2::{Digest, Sha256};
use std::time::Duration;

/// cpu_iters: the lab's fixed hash chain (ts-common/cpu-work.ts, labcommon/cpuwork.py):
/// digest = UTF-8 bytes of the text; repeat iters times: digest = sha256(digest).
pub fn cpu_iters(text: &str, iters: i64) -> Vec<u8> {
    let mut digest = text.as_bytes().to_vec();
    for _ in 0..iters {
        digest = Sha256::digest(&digest).to_vec();
    }
    digest
}

/// CPU time the calling OS thread has used (CLOCK_THREAD_CPUTIME_ID).
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer; the clock id exists on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// cpu_ms: busy work until this thread has used `ms` of CPU by its own clock, so that the work
/// costs the same CPU time in every row whatever its hash library. A tokio task does not move
/// between threads while it runs without an .await, so the thread's clock is the task's.
pub fn cpu_ms(ms: i64) -> Duration {
    let target = Duration::from_millis(ms.max(0) as u64);
    let start = thread_cpu_time();
    let mut digest = [0u8; 32];
    loop {
        let used = thread_cpu_time() - start;
        if used >= target {
            return used;
        }
        // ~0.1 ms of hashing between two reads of the clock (a read costs well under 1 us).
        for _ in 0..200 {
            digest = Sha256::digest(digest).into();
        }
        // SAFETY: a volatile read of a live local keeps the hashing from being optimised away
        // (std::hint::black_box is newer than Debian's rustc 1.63).
        unsafe { std::ptr::read_volatile(&digest[0]) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_chain_matches_the_other_rows() {
        // sha256("hello") once, as ts-common's cpuWork("hello", 1) gives.
        let one = cpu_iters("hello", 1);
        assert_eq!(one.iter().map(|b| format!("{b:02x}")).collect::<String>(), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assert_eq!(cpu_iters("hello", 0), b"hello".to_vec());
    }

    #[test]
    fn cpu_ms_spends_that_much_of_the_threads_cpu() {
        let before = thread_cpu_time();
        let used = cpu_ms(20);
        let measured = thread_cpu_time() - before;
        assert!(used >= Duration::from_millis(20), "{used:?}");
        // Within 20% (the contract's check), and the clock only counts this thread.
        assert!(measured < Duration::from_millis(24), "{measured:?}");
    }
}
