extension PoolStateMachine {
    /// The executor saw a connection die (its socket closed while idle, say). An idle or checking
    /// connection is closed (a checking one's waiter goes back to the head of the queue); a leased one is
    /// closed when its lessee returns it, whatever state it is returned in.
    package mutating func connectionLost(_ id: ConnectionID, now: Instant) -> [Action] {
        guard let record = connections[id] else { return [] }
        var actions: [Action] = []
        switch record.state {
        case .idle, .resetting:
            close(id, reason: .lost, into: &actions)
        case .checking(let waiter):
            close(id, reason: .lost, into: &actions)
            if let waiter { requeue(waiter, now: now, into: &actions) }
        case .leased:
            connections[id]!.lostWhileLeased = true
        case .connecting, .closing:
            break  // a connect that dies reports `connectFailed`; a closing one is going anyway
        }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// A connection is gone: normally the completion of a `closeConnection` action, which frees its slot.
    /// For a connection the state machine did not ask to close, it means the executor closed it on its
    /// own: it is forgotten (counted as lost), a lease on it is revoked and a checking waiter re-queued.
    package mutating func connectionClosed(_ id: ConnectionID, now: Instant) -> [Action] {
        guard let record = connections[id] else { return [] }
        var actions: [Action] = []
        switch record.state {
        case .closing:
            removeConnection(id)
        case .connecting:
            return connectFailed(id, error: "connection closed while connecting", now: now)
        case .idle, .resetting, .leased, .checking:
            statistics.connectionsClosed += 1
            statistics.connectionsLost += 1
            if record.lifetimeTimerScheduled { actions.append(.cancelTimer(.lifetimeExpiry(id))) }
            for lease in record.lessees {
                statistics.leasesRevoked += 1
                cancelLeakTimer(for: lease.waiter.id, into: &actions)
            }
            removeConnection(id)
            if case .checking(let waiter?) = record.state { requeue(waiter, now: now, into: &actions) }
        }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// Moves a connection to `.closing` (it keeps its slot until `connectionClosed`) and asks the
    /// executor to close it. The one place close reasons are counted.
    mutating func close(_ id: ConnectionID, reason: CloseReason, into actions: inout [Action]) {
        guard let record = connections[id], !record.isClosing else { return }
        if record.lifetimeTimerScheduled {
            connections[id]!.lifetimeTimerScheduled = false
            actions.append(.cancelTimer(.lifetimeExpiry(id)))
        }
        if !record.opened {
            statistics.connectsAborted += 1
        } else {
            statistics.connectionsClosed += 1
        }
        switch reason {
        case .idleTimeout: statistics.idleTrimmed += 1
        case .lifetimeExpired: statistics.expired += 1
        case .broken, .brokenAtLease, .pingFailed, .lost: statistics.connectionsLost += 1
        case .resetFailed, .shutdown, .shutdownForced: break
        }
        transition(id, to: .closing(reason))
        actions.append(.closeConnection(id, reason))
    }
}
