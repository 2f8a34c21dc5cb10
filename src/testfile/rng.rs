//! The test runner's random generator: PCG32 (`pcg32`, XSH-RR 64/32 with the default
//! stream), seeded the way Kuzu's `RandomEngine::setSeed` seeds it, so `-SET _
//! random.set_seed(N)` followed by `random.randInt32(max)` yields Kuzu's numbers.

const MULTIPLIER: u64 = 6_364_136_223_846_793_005;
const INCREMENT: u64 = 1_442_695_040_888_963_407;

/// PCG32 with the default stream.
#[derive(Debug, Clone)]
pub struct Pcg32 {
    state: u64,
}

impl Pcg32 {
    /// Seeds like `pcg32::seed(seed)`: state = bump(seed + increment).
    pub fn new(seed: u64) -> Pcg32 {
        Pcg32 {
            state: Self::bump(seed.wrapping_add(INCREMENT)),
        }
    }

    /// A generator seeded from the clock (Kuzu seeds from `std::random_device`).
    pub fn from_clock() -> Pcg32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Pcg32::new(nanos)
    }

    fn bump(state: u64) -> u64 {
        state.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT)
    }

    /// The next 32-bit output (output of the previous state, as pcg32 does).
    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = Self::bump(old);
        let rot = (old >> 59) as u32;
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        xorshifted.rotate_right(rot)
    }

    /// A uniform integer in `[0, upper)` by rejection (pcg's `bounded_rand`); `upper > 0`.
    pub fn next_below(&mut self, upper: u32) -> u32 {
        if upper == 0 {
            return 0;
        }
        let threshold = upper.wrapping_neg() % upper;
        loop {
            let r = self.next_u32();
            if r >= threshold {
                return r % upper;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_draws_stay_below_upper() {
        let mut r = Pcg32::new(7);
        for _ in 0..1000 {
            assert!(r.next_below(10) < 10);
        }
        assert_eq!(r.next_below(1), 0);
    }

    #[test]
    fn matches_kuzus_fixed_seed_test() {
        // dml_node/create/create_random_int.test, case FixedSeedRandomIntInsertions: seed
        // 1234567890, 1000 draws of randInt32(1000000) sum to 502790265 in Kuzu.
        let mut r = Pcg32::new(1_234_567_890);
        let sum: u64 = (0..1000).map(|_| r.next_below(1_000_000) as u64).sum();
        assert_eq!(sum, 502_790_265);
    }
}
