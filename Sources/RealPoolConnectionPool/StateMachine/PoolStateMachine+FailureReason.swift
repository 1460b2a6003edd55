extension PoolStateMachine {
    /// Why a lease request failed. The executor turns it into the error the caller sees.
    package enum FailureReason: Hashable, Sendable {
        /// `acquireTimeout` elapsed. `lastConnectError` is the description of the most recent failed
        /// connect when connects have been failing since the last success, so a caller whose pool cannot
        /// reach the server is told why rather than just "timed out".
        case timeout(lastConnectError: String?)
        /// `maxWaiters` requests were already waiting.
        case tooManyWaiters
        /// The pool is shutting down or shut down.
        case shutdown
        /// The waiting task was cancelled.
        case cancelled
    }
}
