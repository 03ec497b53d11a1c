//! The process' own figures for lab_os_threads, lab_context_switches_total and process_*:
//! threads, CPU and RSS from /proc/self/stat like the other rows (one file), context switches
//! from getrusage(RUSAGE_SELF), which sums every thread, exited ones too, in one call (as the
//! Python rows and the Go row do; /proc/self/status counts the leader thread alone).

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProcStat {
    pub threads: i64,
    pub cpu_seconds: f64,
    pub rss_bytes: f64,
}

/// /proc/<pid>/stat: the command name may hold spaces and ')', so the fields are split after
/// the last ')'. Field n of proc(5) is f[n-3].
pub fn parse_stat(text: &str, ticks_per_second: f64, page_size: f64) -> Result<ProcStat, String> {
    let end = text.rfind(')').ok_or("no ')' in /proc stat line")?;
    let f: Vec<&str> = text[end + 1..].split_whitespace().collect();
    if f.len() < 22 {
        return Err(format!("/proc stat line has {} fields after the name", f.len()));
    }
    let num = |i: usize| f[i].parse::<f64>().unwrap_or(0.0);
    Ok(ProcStat {
        threads: num(17) as i64,
        cpu_seconds: (num(11) + num(12) + num(13) + num(14)) / ticks_per_second,
        rss_bytes: num(21) * page_size,
    })
}

pub fn read_self() -> Option<ProcStat> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // SAFETY: sysconf only reads configuration values.
    let (ticks, page) = unsafe { (libc::sysconf(libc::_SC_CLK_TCK), libc::sysconf(libc::_SC_PAGESIZE)) };
    parse_stat(&text, ticks as f64, page as f64).ok()
}

/// (voluntary, involuntary) context switches of every thread of the process.
pub fn context_switches() -> Option<(u64, u64)> {
    // SAFETY: getrusage fills one zeroed rusage struct through a valid pointer.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    (rc == 0).then(|| (ru.ru_nvcsw as u64, ru.ru_nivcsw as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_spaces_and_parens() {
        let line = "42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 7 0 100 1000000 300 18446744073709551615";
        let s = parse_stat(line, 100.0, 4096.0).unwrap();
        assert_eq!(s, ProcStat { threads: 7, cpu_seconds: 2.0, rss_bytes: 300.0 * 4096.0 });
    }

    #[test]
    fn this_process_is_readable() {
        let s = read_self().unwrap();
        assert!(s.threads >= 1 && s.rss_bytes > 0.0, "{s:?}");
        assert!(context_switches().is_some());
    }
}
