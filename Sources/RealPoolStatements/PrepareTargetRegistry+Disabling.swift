import RealPoolConnection
import RealPoolNormalizer
/// Turning rewriting off for a whole database, when prepared statements cannot be trusted to stay
/// on the connection that prepared them.
///
/// Behind a pooler in transaction mode (PgBouncer before 1.21, or with `max_prepared_statements`
/// at 0) one client connection is served by whichever server connection is free at each
/// transaction, so a statement prepared "on this connection" is on some other backend by the next
/// request: 26000 (does not exist) and 42P05 (already exists) at random, and inside a transaction
/// they abort it. Healing after the fact cannot save a transaction, so the database stops
/// rewriting before its first statement instead (see `PoolerDetection`).
extension PrepareTargetRegistry {
    /// Turns rewriting off for good: from now on no query matches a target and every statement
    /// runs plainly. Returns true only for the call that turned it off, so the caller logs once.
    @discardableResult
    public func disableRewriting(because reason: String) -> Bool {
        state.withLock { state in
            guard state.rewritingDisabledReason == nil else { return false }
            state.rewritingDisabledReason = reason
            return true
        }
    }

    /// Why rewriting is off, or nil while it is on.
    public var rewritingDisabledReason: String? {
        state.withLock { $0.rewritingDisabledReason }
    }
}
