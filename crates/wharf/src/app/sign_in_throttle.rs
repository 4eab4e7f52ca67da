//! Slowing down password guessing: failed sign-ins counted per `(kind, key)` — a client address,
//! an account name — with a growing wait and then a temporary lock.
//!
//! Rules, for each key on its own:
//! 1. The first `free_failures` failures cost nothing: people mistype.
//! 2. Each failure after those makes the key wait before its next attempt: `first_delay`,
//!    doubling with every further failure, never longer than `lock`.
//! 3. From `lock_after` failures on, the key is locked for `lock`.
//! 4. A key with no failure for `forget_after` starts again from nothing; a success clears it.
//!
//! An attempt while a key waits is refused without looking at the password, so refusing costs
//! no hashing. Memory is bounded: at `capacity` keys the one whose last failure is oldest is
//! forgotten. Time is passed in (`now`), so the rules are tested without sleeping.
//!
//! Generic over what is signing in: operators use kinds [`ADDRESS`] and [`ACCOUNT`], vendor users
//! [`VENDOR_ADDRESS`] and [`VENDOR_ACCOUNT`] with the same rules (so neither side's failures lock
//! the other out), and requests for a password reset link [`RESET_ADDRESS`] and
//! [`RESET_ACCOUNT`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Kind of key: the client's address (see [`address_key`]).
pub const ADDRESS: &str = "address";
/// Kind of key: the account name that was tried.
pub const ACCOUNT: &str = "account";
/// Kind of key: a vendor user's client address.
pub const VENDOR_ADDRESS: &str = "vendor-address";
/// Kind of key: the vendor user's e-mail address that was tried.
pub const VENDOR_ACCOUNT: &str = "vendor-account";
/// Kind of key: a client address asking for password reset links.
pub const RESET_ADDRESS: &str = "reset-address";
/// Kind of key: an e-mail address a reset link was asked for (no mailbox is flooded).
pub const RESET_ACCOUNT: &str = "reset-account";

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub free_failures: u32,
    pub first_delay: Duration,
    pub lock_after: u32,
    pub lock: Duration,
    pub forget_after: Duration,
}

impl Policy {
    /// How long a key with `failures` failures must wait after its last one.
    fn wait_after(&self, failures: u32) -> Duration {
        if failures >= self.lock_after {
            return self.lock;
        }
        match failures.checked_sub(self.free_failures) {
            None | Some(0) => Duration::ZERO,
            Some(over) => self
                .first_delay
                .saturating_mul(2u32.saturating_pow(over - 1))
                .min(self.lock),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
}

/// The failures of every key, behind one lock (held for a map lookup, never across I/O).
#[derive(Debug)]
pub struct Throttle {
    policies: HashMap<&'static str, Policy>,
    capacity: usize,
    entries: Mutex<HashMap<(&'static str, String), Entry>>,
}

impl Throttle {
    pub fn new(policies: &[(&'static str, Policy)], capacity: usize) -> Self {
        Throttle {
            policies: policies.iter().copied().collect(),
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn policy(&self, kind: &'static str) -> Policy {
        *self
            .policies
            .get(kind)
            .unwrap_or_else(|| panic!("no throttle policy for {kind}"))
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<(&'static str, String), Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long the longest-waiting of `keys` must still wait; `None` when all may try now.
    pub fn wait(&self, keys: &[(&'static str, &str)], now: Instant) -> Option<Duration> {
        let entries = self.entries();
        keys.iter()
            .filter_map(|(kind, key)| {
                let entry = entries.get(&(*kind, (*key).to_owned()))?;
                let until = entry.last_failure + self.policy(kind).wait_after(entry.failures);
                until.checked_duration_since(now).filter(|d| !d.is_zero())
            })
            .max()
    }

    /// Counts a failed attempt against each of `keys`.
    pub fn failed(&self, keys: &[(&'static str, &str)], now: Instant) {
        let mut entries = self.entries();
        for (kind, key) in keys {
            let forget_after = self.policy(kind).forget_after;
            let id = (*kind, (*key).to_owned());
            if !entries.contains_key(&id) && entries.len() >= self.capacity {
                evict_oldest(&mut entries);
            }
            let entry = entries.entry(id).or_insert(Entry {
                failures: 0,
                last_failure: now,
            });
            if now.saturating_duration_since(entry.last_failure) >= forget_after {
                entry.failures = 0;
            }
            entry.failures = entry.failures.saturating_add(1);
            entry.last_failure = now;
        }
    }

    /// Forgets the failures of `keys` after a successful sign-in.
    pub fn succeeded(&self, keys: &[(&'static str, &str)]) {
        let mut entries = self.entries();
        for (kind, key) in keys {
            entries.remove(&(*kind, (*key).to_owned()));
        }
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn evict_oldest(entries: &mut HashMap<(&'static str, String), Entry>) {
    // A linear scan, only when full: a full map means an attack from very many addresses, and
    // the scan is cheap next to the hashing each of those attempts costs us.
    if let Some(oldest) = entries
        .iter()
        .min_by_key(|(_, entry)| entry.last_failure)
        .map(|(id, _)| id.clone())
    {
        entries.remove(&oldest);
    }
}

/// The key of a client address: an IPv4 address itself, an IPv6 address by its /64 (one
/// subscriber usually holds a whole /64, so per-address counting would be free to dodge). An
/// IPv4-mapped IPv6 address counts as its IPv4 address.
pub fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// What a throttled person is told.
pub fn try_again_message(wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    let (n, unit) = if seconds < 60 {
        (seconds, "second")
    } else {
        (seconds.div_ceil(60), "minute")
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("Too many attempts. Try again in {n} {unit}{plural}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        free_failures: 3,
        first_delay: Duration::from_secs(10),
        lock_after: 6,
        lock: Duration::from_secs(900),
        forget_after: Duration::from_secs(3600),
    };

    fn throttle(capacity: usize) -> Throttle {
        Throttle::new(&[(ADDRESS, POLICY), (ACCOUNT, POLICY)], capacity)
    }

    fn fail(throttle: &Throttle, key: &str, times: u32, at: Instant) {
        for _ in 0..times {
            throttle.failed(&[(ADDRESS, key)], at);
        }
    }

    #[test]
    fn the_first_failures_are_free() {
        let t = throttle(10);
        let now = Instant::now();
        fail(&t, "1.2.3.4", 3, now);
        assert_eq!(t.wait(&[(ADDRESS, "1.2.3.4")], now), None);
    }

    #[test]
    fn the_wait_doubles_with_each_further_failure_then_locks() {
        let t = throttle(10);
        let now = Instant::now();
        let waits: Vec<_> = (4..=7)
            .map(|n| {
                let key = format!("key{n}");
                fail(&t, &key, n, now);
                t.wait(&[(ADDRESS, &key)], now)
            })
            .collect();
        assert_eq!(
            waits,
            [
                Some(Duration::from_secs(10)),
                Some(Duration::from_secs(20)),
                Some(Duration::from_secs(900)),
                Some(Duration::from_secs(900)),
            ]
        );
    }

    #[test]
    fn the_wait_runs_out() {
        let t = throttle(10);
        let now = Instant::now();
        fail(&t, "a", 4, now);
        let later = now + Duration::from_secs(4);
        assert_eq!(
            t.wait(&[(ADDRESS, "a")], later),
            Some(Duration::from_secs(6))
        );
        assert_eq!(
            t.wait(&[(ADDRESS, "a")], now + Duration::from_secs(10)),
            None
        );
    }

    #[test]
    fn kinds_and_keys_are_counted_apart_and_the_longest_wait_wins() {
        let t = throttle(10);
        let now = Instant::now();
        fail(&t, "a", 7, now);
        assert_eq!(t.wait(&[(ADDRESS, "b")], now), None);
        assert_eq!(t.wait(&[(ACCOUNT, "a")], now), None);
        assert_eq!(
            t.wait(&[(ACCOUNT, "a"), (ADDRESS, "a")], now),
            Some(Duration::from_secs(900))
        );
    }

    #[test]
    fn success_clears_and_a_quiet_hour_forgets() {
        let t = throttle(10);
        let now = Instant::now();
        fail(&t, "a", 5, now);
        t.succeeded(&[(ADDRESS, "a")]);
        assert_eq!(t.wait(&[(ADDRESS, "a")], now), None);

        fail(&t, "b", 3, now);
        let much_later = now + Duration::from_secs(3600);
        fail(&t, "b", 1, much_later);
        assert_eq!(
            t.wait(&[(ADDRESS, "b")], much_later),
            None,
            "one failure after a quiet hour is the first again"
        );
    }

    #[test]
    fn at_capacity_the_oldest_key_is_forgotten() {
        let t = throttle(2);
        let now = Instant::now();
        fail(&t, "old", 7, now);
        fail(&t, "mid", 7, now + Duration::from_secs(1));
        fail(&t, "new", 7, now + Duration::from_secs(2));
        assert_eq!(t.len(), 2);
        let at = now + Duration::from_secs(3);
        assert_eq!(t.wait(&[(ADDRESS, "old")], at), None);
        assert!(t.wait(&[(ADDRESS, "mid")], at).is_some());
        assert!(t.wait(&[(ADDRESS, "new")], at).is_some());
    }

    #[test]
    fn people_are_told_the_wait_in_whole_minutes_or_seconds() {
        let message = |s| try_again_message(Duration::from_secs(s));
        assert_eq!(message(30), "Too many attempts. Try again in 30 seconds.");
        assert_eq!(message(60), "Too many attempts. Try again in 1 minute.");
        assert_eq!(message(61), "Too many attempts. Try again in 2 minutes.");
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(other));
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        assert_eq!(address_key("10.0.0.1".parse().unwrap()), "10.0.0.1");
    }
}
