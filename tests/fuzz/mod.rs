//! The harness shared by the fuzz targets (`tests/fuzz_*.rs`): a seeded generator, a time or
//! case budget, a panic catcher that reports the input, a watchdog for hangs and a counting
//! allocator for memory.
//!
//! Environment:
//! - `RUZU_FUZZ_SECS=N`: run each target for N seconds (default: a couple of seconds, so a
//!   debug `cargo test` stays fast).
//! - `RUZU_FUZZ_CASES=N`: stop after N cases instead (whichever comes first).
//! - `RUZU_FUZZ_SEED=S`: the master seed (default: fixed, so a plain run is reproducible;
//!   `RUZU_FUZZ_SEED=random` takes one from the clock and prints it).
//! - `RUZU_FUZZ_REPLAY=S`: run only the case with this case seed (printed with each
//!   failure) and print its input.
//!
//! A case that panics is reported with its seed and input and the run goes on; the test
//! fails at the end with every distinct panic location. A case that runs longer than
//! `HANG_SECS` or that makes the process hold more than `LIVE_LIMIT` bytes (or ask for more
//! than `ONE_LIMIT` in one allocation) aborts the process after printing its input.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Live heap bytes above which a case counts as allocating past the memory budget.
pub const LIVE_LIMIT: usize = 1 << 30;
/// One allocation above this is reported too.
pub const ONE_LIMIT: usize = 512 << 20;
/// A case running longer than this is a hang.
pub const HANG_SECS: u64 = 60;

pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static ARMED: AtomicBool = AtomicBool::new(false);
static REPORTING: AtomicBool = AtomicBool::new(false);
/// The current case's input, as text, for the allocator and watchdog to print.
static CURRENT: Mutex<String> = Mutex::new(String::new());
static CASE_STARTED_MS: AtomicU64 = AtomicU64::new(0);
static CASE_SEED: AtomicU64 = AtomicU64::new(0);
static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
/// The targets of one test binary take turns: the input, the hang clock and the memory
/// guard are process-wide.
static TURN: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn too_much(size: usize) {
    if !ARMED.load(Ordering::Relaxed) || REPORTING.swap(true, Ordering::SeqCst) {
        return;
    }
    let live = LIVE.load(Ordering::Relaxed);
    let mut err = std::io::stderr();
    let seed = CASE_SEED.load(Ordering::Relaxed);
    let _ = writeln!(
        err,
        "FUZZ MEMORY: an allocation of {size} bytes with {live} bytes live; case seed {seed} (RUZU_FUZZ_REPLAY={seed}); input:"
    );
    if let Ok(s) = CURRENT.try_lock() {
        let _ = err.write_all(s.as_bytes());
    }
    let _ = writeln!(err);
    std::process::abort();
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        if l.size() > ONE_LIMIT || live > LIVE_LIMIT {
            too_much(l.size());
        }
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        if l.size() > ONE_LIMIT || live > LIVE_LIMIT {
            too_much(l.size());
        }
        System.alloc_zeroed(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new > l.size() {
            let live = LIVE.fetch_add(new - l.size(), Ordering::Relaxed) + new - l.size();
            if new > ONE_LIMIT || live > LIVE_LIMIT {
                too_much(new);
            }
        } else {
            LIVE.fetch_sub(l.size() - new, Ordering::Relaxed);
        }
        System.realloc(p, l, new)
    }
}

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }
    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// Numbers that break arithmetic: extremes, powers of two, off-by-ones.
pub const HOSTILE: [u64; 12] = [
    0,
    1,
    2,
    0x7f,
    0xff,
    0xffff,
    (1 << 31) - 1,
    (1 << 32) - 1,
    1 << 40,
    1 << 62,
    i64::MAX as u64,
    u64::MAX,
];

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// What a run did.
pub struct Summary {
    pub cases: u64,
    pub secs: f64,
}

struct Failure {
    seed: u64,
    location: String,
    message: String,
    input: String,
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<(String, String)>> =
        const { std::cell::RefCell::new(None) };
}

fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
            if std::env::var_os("RUZU_FUZZ_QUIET_PANICS").is_none() {
                default(info);
            }
        }));
    });
}

fn watchdog() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_millis(500));
            let started = CASE_STARTED_MS.load(Ordering::Relaxed);
            if started == 0 {
                continue;
            }
            let now = now_ms();
            if now > started + HANG_SECS * 1000 {
                let input = CURRENT.lock().map(|s| s.clone()).unwrap_or_default();
                let seed = CASE_SEED.load(Ordering::Relaxed);
                eprintln!(
                    "FUZZ HANG: a case ran for more than {HANG_SECS} s; case seed {seed} (RUZU_FUZZ_REPLAY={seed}); input:\n{input}"
                );
                std::process::abort();
            }
        });
    });
}

fn now_ms() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1
}

/// Runs `case` on fresh case seeds until the budget is spent. `case` gets the case's
/// generator and a `describe` slot: it should set the input text (before doing anything
/// that can fail) with `set_input`, so a failure can be reported and replayed.
/// `default_secs` is the budget when `RUZU_FUZZ_SECS` is unset.
pub fn run(target: &str, default_secs: f64, mut case: impl FnMut(&mut Rng)) -> Summary {
    let _turn = turn();
    install_hook();
    watchdog();
    let secs = std::env::var("RUZU_FUZZ_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(default_secs);
    let max_cases = env_u64("RUZU_FUZZ_CASES").unwrap_or(u64::MAX);
    let master = match std::env::var("RUZU_FUZZ_SEED").ok().as_deref() {
        Some("random") => {
            let s = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1);
            eprintln!("{target}: RUZU_FUZZ_SEED={s}");
            s
        }
        Some(s) => s.trim().parse().unwrap_or(0x5eed),
        None => 0x5eed,
    };
    let replay = env_u64("RUZU_FUZZ_REPLAY");
    let mut seeds = Rng::new(master ^ hash(target));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(secs);
    let mut failures: Vec<Failure> = Vec::new();
    let mut cases = 0u64;
    loop {
        let seed = match replay {
            Some(s) if cases == 0 => s,
            Some(_) => break,
            None => {
                if cases >= max_cases || (cases > 0 && Instant::now() >= deadline) {
                    break;
                }
                seeds.next_u64()
            }
        };
        cases += 1;
        if let Ok(mut s) = CURRENT.lock() {
            s.clear();
        }
        let mut rng = Rng::new(seed);
        CASE_SEED.store(seed, Ordering::Relaxed);
        CASE_STARTED_MS.store(now_ms(), Ordering::Relaxed);
        ARMED.store(true, Ordering::Relaxed);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&mut rng)));
        ARMED.store(false, Ordering::Relaxed);
        CASE_STARTED_MS.store(0, Ordering::Relaxed);
        let input = CURRENT.lock().map(|s| s.clone()).unwrap_or_default();
        if replay.is_some() {
            eprintln!("{target}: case {seed}:\n{input}");
        }
        if r.is_err() {
            let (location, message) = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_default();
            eprintln!(
                "FUZZ PANIC in {target}, case seed {seed} (replay: RUZU_FUZZ_REPLAY={seed}) at {location}: {message}\ninput:\n{input}\n"
            );
            if !failures.iter().any(|f| f.location == location) {
                failures.push(Failure {
                    seed,
                    location,
                    message,
                    input,
                });
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!("{target}: {cases} cases in {secs:.1} s");
    if !failures.is_empty() {
        let mut report = format!("{target}: {} distinct panics:\n", failures.len());
        for f in &failures {
            report += &format!(
                "- {} ({}) seed {}; input:\n{}\n",
                f.location, f.message, f.seed, f.input
            );
        }
        panic!("{report}");
    }
    Summary { cases, secs }
}

/// Records the current case's input (shown when it fails).
pub fn set_input(text: &str) {
    if let Ok(mut s) = CURRENT.lock() {
        s.clear();
        s.push_str(text);
    }
}

/// Appends to the current case's input.
pub fn add_input(text: &str) {
    if let Ok(mut s) = CURRENT.lock() {
        s.push_str(text);
    }
}

/// Restarts the hang clock (for targets that do slow setup inside a case).
pub fn still_alive() {
    if CASE_STARTED_MS.load(Ordering::Relaxed) != 0 {
        CASE_STARTED_MS.store(now_ms(), Ordering::Relaxed);
    }
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Mutates bytes in place: flips, hostile numbers (1, 2, 4 or 8 bytes, little endian),
/// small increments of a number (lengths and counts), copies of another range, zeroed
/// runs. Keeps the length (so page-sized buffers stay page-sized) unless `resize`.
pub fn mutate(rng: &mut Rng, b: &mut Vec<u8>, resize: bool) -> String {
    if b.is_empty() {
        b.push(rng.next_u64() as u8);
        return "grew from empty".into();
    }
    let n = b.len();
    let at = rng.below(n);
    match rng.below(if resize { 8 } else { 6 }) {
        0 => {
            let bit = rng.below(8);
            b[at] ^= 1 << bit;
            format!("flip bit {bit} of byte {at}")
        }
        1 => {
            let v = *rng.pick(&HOSTILE);
            let w = *rng.pick(&[1usize, 2, 4, 8]);
            let at = at.min(n.saturating_sub(w));
            let w = w.min(n - at);
            b[at..at + w].copy_from_slice(&v.to_le_bytes()[..w]);
            format!("{v:#x} as {w} bytes at {at}")
        }
        2 => {
            // A little-endian u64 (or u32) nudged by a small amount: a length one too long,
            // a count one short, an offset into a neighbour.
            let w = if rng.one_in(2) { 8 } else { 4 };
            if n < w {
                b[at] = b[at].wrapping_add(1);
                return format!("byte {at} + 1");
            }
            let at = (at.min(n - w) / w) * w;
            let mut x = [0u8; 8];
            x[..w].copy_from_slice(&b[at..at + w]);
            let d = rng.range(-3, 3);
            let v = u64::from_le_bytes(x).wrapping_add(d as u64);
            b[at..at + w].copy_from_slice(&v.to_le_bytes()[..w]);
            format!("{w}-byte number at {at} {d:+}")
        }
        3 => {
            let len = 1 + rng.below(16.min(n));
            let from = rng.below(n - len + 1);
            let to = rng.below(n - len + 1);
            b.copy_within(from..from + len, to);
            format!("copy {len} bytes from {from} to {to}")
        }
        4 => {
            let len = 1 + rng.below(64.min(n));
            let at = at.min(n - len);
            b[at..at + len].fill(if rng.one_in(2) { 0 } else { 0xff });
            format!("fill {len} bytes at {at}")
        }
        5 => {
            let v = rng.next_u64() as u8;
            b[at] = v;
            format!("byte {at} = {v:#x}")
        }
        6 => {
            let len = 1 + rng.below(16.min(n));
            let at = at.min(n - len);
            b.drain(at..at + len);
            format!("remove {len} bytes at {at}")
        }
        _ => {
            let len = 1 + rng.below(16);
            let bytes = rng.bytes(len);
            b.splice(at..at, bytes);
            format!("insert {len} bytes at {at}")
        }
    }
}

/// Runs one known input (a regression case) under the same guards as a fuzz case: a panic
/// fails the test naming `input`; a hang or an allocation past the budget aborts with it.
pub fn once(input: &str, f: impl FnOnce()) {
    let _turn = turn();
    install_hook();
    watchdog();
    set_input(input);
    CASE_SEED.store(0, Ordering::Relaxed);
    CASE_STARTED_MS.store(now_ms(), Ordering::Relaxed);
    ARMED.store(true, Ordering::Relaxed);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    ARMED.store(false, Ordering::Relaxed);
    CASE_STARTED_MS.store(0, Ordering::Relaxed);
    if r.is_err() {
        panic!("known input panicked:\n{input}");
    }
}
