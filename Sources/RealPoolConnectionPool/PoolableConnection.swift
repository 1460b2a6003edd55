import Logging

/// What the pool needs from the thing it pools, and nothing more: the pool knows a connection as
/// an opaque leased object, never its SQL or its prepared statements.
package protocol PoolableConnection: AnyObject, Sendable {
    /// A zero-round-trip check, at lease time, that the connection is still usable.
    func isAlive() -> Bool
    /// One round trip to prove the server still answers (after a long idle time).
    func ping() async -> Bool
    /// Rolls back what the last lessee left open. False when the connection cannot be reused.
    func reset() async -> Bool
    /// Asks the server to stop whatever this connection is running (forced shutdown).
    func interrupt()
    /// Closes it. Called only when nobody uses it.
    func close()
    /// What identifies it in the pool's log lines (its backend PID), so that a warning about a
    /// connection can be matched with the server's own log and `pg_stat_activity`.
    var logMetadata: Logger.Metadata { get }
}

extension PoolableConnection {
    // test doubles have no server process to name
    var logMetadata: Logger.Metadata { [:] }
}
