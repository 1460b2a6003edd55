/// Why the pool could not provide a connection.
public struct PoolError: Error, Sendable, CustomStringConvertible {
    /// Why no connection was provided.
    public enum Kind: String, Sendable {
        /// No connection became free within `acquireTimeout`.
        case acquireTimeout
        /// `maxWaiters` callers were already waiting.
        case tooManyWaiters
        /// The pool is shutting down or shut down.
        case shutdown
    }

    /// Why no connection was provided.
    public let kind: Kind
    /// A message naming the limit that was hit and its value.
    public let message: String

    public var description: String { message }
}
