/// Why the pool could not provide a connection.
public struct PoolError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No connection became free within `acquireTimeout`.
        case acquireTimeout
        /// `maxWaiters` callers were already waiting.
        case tooManyWaiters
        /// The pool is shutting down or shut down.
        case shutdown
    }

    public let kind: Kind
    public let message: String

    public var description: String { message }
}
