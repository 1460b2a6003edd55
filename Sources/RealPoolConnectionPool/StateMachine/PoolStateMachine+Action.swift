extension PoolStateMachine {
    /// What the executor must do after an event. Events return actions in the order they must be run.
    package enum Action: Hashable, Sendable {
        /// Start opening a connection with this id; report `connectSucceeded` or `connectFailed`.
        case createConnection(ConnectionID)
        /// Hand the connection to the request. Before handing it over the executor does its
        /// zero-round-trip socket liveness check; if the socket is dead it reports
        /// `connectionFoundBroken` instead, and the request goes back to the head of the queue.
        case leaseConnection(ConnectionID, to: RequestID)
        /// Hand a connection that other shared lessees already hold to the shared request as well. No
        /// liveness check: the socket of a busy connection is readable because results arrive on it.
        case joinConnection(ConnectionID, to: RequestID)
        /// Validate a long-idle connection with one round trip; report `pingSucceeded` or `pingFailed`.
        case pingConnection(ConnectionID)
        /// Roll back the returned connection; report `resetSucceeded` or `resetFailed`.
        case resetConnection(ConnectionID)
        /// Close the connection (abort it if still connecting; interrupt it if leased at the shutdown
        /// deadline); report `connectionClosed` when done.
        case closeConnection(ConnectionID, CloseReason)
        /// Fail the waiting request with this reason.
        case failRequest(RequestID, FailureReason)
        /// Fire `timerFired(timer)` at `at` (replacing a scheduled timer with the same identity).
        case scheduleTimer(Timer, at: Instant)
        /// The timer is no longer needed.
        case cancelTimer(Timer)
        /// The lease of `lessee` on the connection has been held for `heldFor`, past
        /// `leakDetectionThreshold`. The executor logs it with the lessee's call site.
        case leakWarning(ConnectionID, lessee: RequestID, heldFor: Duration)
        /// Shutdown finished: every connection is closed and every request answered.
        case shutdownCompleted
    }
}

extension PoolStateMachine.Action {
    /// The connection this action hands to `request`, and whether other shared lessees hold it too.
    func grant(to request: PoolStateMachine.RequestID) -> (PoolStateMachine.ConnectionID, joining: Bool)? {
        switch self {
        case .leaseConnection(let id, let r) where r == request: return (id, false)
        case .joinConnection(let id, let r) where r == request: return (id, true)
        default: return nil
        }
    }
}
