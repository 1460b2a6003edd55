/// SplitMix64: a small, fast, deterministic generator. Every worker gets its own stream derived
/// from `--seed` and its index, so a run's parameter sequence is reproducible.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64 = 0) {
        state = seed &+ (stream &+ 1) &* 0x9E37_79B9_7F4A_7C15
        // discard a few outputs so that nearby seeds diverge
        for _ in 0..<4 { _ = next() }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
