//! A tiny deterministic PRNG (SplitMix64), written out so that the simulated
//! dataset of a given size and seed never changes with a dependency's version.

/// SplitMix64 (Steele, Lea, Flood 2014): 64 bits of state, one add and a
/// finaliser per number. Not for cryptography.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence is a pure function of `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator derived from `seed` and a stream number, so that separate
    /// purposes (the dataset, each change set, faults) never share numbers.
    pub fn derived(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng::new(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0), by multiply-high (Lemire).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index into a collection of `len` items (`0` when empty).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// A float in `[0, 1)` (53 random bits).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One item of a slice, `None` when it is empty.
    pub fn choose<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| *self.pick(items))
    }

    /// An index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut roll = self.below(total);
        for (i, weight) in weights.iter().enumerate() {
            let weight = u64::from(*weight);
            if roll < weight {
                return i;
            }
            roll -= weight;
        }
        weights.len().saturating_sub(1)
    }

    /// Up to `count` distinct indices below `len`, by rejection sampling.
    pub fn distinct_indices(&mut self, len: usize, count: usize) -> Vec<usize> {
        let wanted = count.min(len);
        let mut chosen = Vec::with_capacity(wanted);
        while chosen.len() < wanted {
            let index = self.index(len);
            if !chosen.contains(&index) {
                chosen.push(index);
            }
        }
        chosen
    }

    /// Up to `count` items of `items` at distinct positions.
    pub fn distinct<T: Copy>(&mut self, items: &[T], count: usize) -> Vec<T> {
        self.distinct_indices(items.len(), count)
            .into_iter()
            .map(|i| items[i])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_fixed() {
        // Reference values of SplitMix64 seeded with 1234567.
        let mut rng = Rng::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut rng = Rng::new(7);
        for _ in 0..10_000 {
            assert!(rng.below(10) < 10);
            let r = rng.range(-3, 3);
            assert!((-3..=3).contains(&r));
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(rng.weighted(&[0, 5, 0]) == 1);
        }
        let picked = rng.distinct(&[1, 2, 3], 5);
        assert_eq!(picked.len(), 3);
        assert!(Rng::derived(1, 2).next_u64() != Rng::derived(1, 3).next_u64());
    }
}
