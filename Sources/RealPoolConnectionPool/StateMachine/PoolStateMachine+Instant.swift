extension PoolStateMachine {
    /// A point in time, as the duration since an origin the executor chose (typically
    /// `ContinuousClock.now` when the pool was created: `Instant(origin.duration(to: .now))`).
    ///
    /// The state machine never reads a clock; every event carries `now`. A plain duration since an origin,
    /// rather than `ContinuousClock.Instant`, lets tests write exact times (`.seconds(5)`) and replay
    /// sequences deterministically.
    package struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
        package var sinceOrigin: Duration

        package init(_ sinceOrigin: Duration) { self.sinceOrigin = sinceOrigin }

        static let origin = Instant(.zero)

        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.sinceOrigin < rhs.sinceOrigin }
        static func + (lhs: Instant, rhs: Duration) -> Instant { Instant(lhs.sinceOrigin + rhs) }
        static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.sinceOrigin - rhs.sinceOrigin }

        package var description: String { "t+\(sinceOrigin)" }
    }
}
