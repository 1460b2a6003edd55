extension PoolConfiguration {
    /// Exponential back-off between connect attempts after a failure.
    ///
    /// The delay after the n-th consecutive failure is `initial * multiplier^(n-1)`, capped at `maximum`,
    /// then spread by `±jitter` using a random value the executor passes in (the state machine itself
    /// never draws random numbers). The jitter keeps many application instances that lost the same server
    /// from reconnecting in lock-step.
    public struct ConnectRetryBackoff: Sendable, Hashable {
        /// Delay after the first failure. Default 100 ms: short enough that a one-off failure (a server
        /// that was restarting) costs little.
        public var initial: Duration
        /// Upper bound on the delay. Default 10 s: a server that comes back is found quickly, while a
        /// server that is down sees at most one attempt per pool every ten seconds.
        public var maximum: Duration
        /// Growth factor per consecutive failure. Default 2.
        public var multiplier: Double
        /// Fraction by which a delay is randomly spread either way. Default 0.2.
        public var jitter: Double

        /// A back-off; out-of-range values are clamped (`maximum` no less than `initial`,
        /// `multiplier` at least 1, `jitter` in 0...1).
        public init(
            initial: Duration = .milliseconds(100),
            maximum: Duration = .seconds(10),
            multiplier: Double = 2,
            jitter: Double = 0.2
        ) {
            self.initial = max(.zero, initial)
            self.maximum = max(self.initial, maximum)
            self.multiplier = max(1, multiplier)
            self.jitter = min(max(0, jitter), 1)
        }

        /// The delay before the next attempt after `consecutiveFailures` failures in a row.
        /// - Parameters:
        ///   - consecutiveFailures: connect failures in a row so far (at least 1).
        ///   - random: a value in `0...1` from the executor; 0.5 means "no jitter".
        public func delay(afterConsecutiveFailures consecutiveFailures: Int, random: Double) -> Duration {
            let failures = max(1, consecutiveFailures)
            let initialSeconds = initial.poolSeconds
            let maximumSeconds = maximum.poolSeconds
            // Grow in Double and cap early so that a long outage cannot overflow.
            var seconds = initialSeconds
            for _ in 1..<min(failures, 64) where seconds < maximumSeconds {
                seconds *= multiplier
            }
            seconds = min(seconds, maximumSeconds)
            let spread = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
            return .nanoseconds(Int64((seconds * spread * 1e9).rounded()))
        }
    }
}

extension Duration {
    /// The duration as floating-point seconds, for back-off and jitter arithmetic.
    var poolSeconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
