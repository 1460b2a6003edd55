extension PoolConfiguration {
    /// The lifetime to give a newly opened connection: `maxLifetime` shortened by up to `lifetimeJitter`.
    ///
    /// The executor calls this when a connect succeeds, with a random value in `0...1`, and passes the
    /// result to `PoolStateMachine.connectSucceeded`. Jitter only shortens the lifetime so that a limit
    /// chosen to stay below an external one (a load balancer's, a credential's) is never exceeded.
    /// - Returns: `nil` when `maxLifetime` is `nil` (connections live until closed for another reason).
    public func jitteredLifetime(random: Double) -> Duration? {
        guard let maxLifetime else { return nil }
        let fraction = 1 - lifetimeJitter * min(max(random, 0), 1)
        return .nanoseconds(Int64((maxLifetime.poolSeconds * fraction * 1e9).rounded()))
    }
}
