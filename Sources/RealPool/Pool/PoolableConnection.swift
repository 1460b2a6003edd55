/// What the pool needs from the thing it pools, and nothing more: the pool knows a connection as
/// an opaque leased object, never its SQL or its prepared statements.
protocol PoolableConnection: AnyObject, Sendable {
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
}
