extension PoolStateMachine {
    /// A lessee returned its connection.
    ///
    /// An idle return goes straight to the head waiter, or onto the idle stack. A return inside a
    /// transaction is rolled back first (`resetConnection`). A broken connection, an expired one, or any
    /// connection while shutting down is closed instead (and replaced if waiters or `minConnections`
    /// need it).
    ///
    /// - Parameter lessee: which lessee returns it; `nil` means the only one. (Only matters once a
    ///   connection can carry several lessees, see `sharedLesseesPerConnection`.)
    package mutating func released(
        _ id: ConnectionID, lessee: RequestID? = nil, now: Instant, state: ReleaseState
    ) -> [Action] {
        // Read in a scope of its own: a copy of the record still alive at `removeLessee` would
        // make its lessee list shared, and every release would copy it.
        let found = { () -> (index: Int, lostWhileLeased: Bool, expired: Bool)? in
            guard let record = connections[id], case .leased(let held) = record.state else { return nil }
            let index: Int
            if let lessee {
                guard let i = held.firstIndex(where: { $0.waiter.id == lessee }) else { return nil }
                index = i
            } else {
                index = 0
            }
            return (index, record.lostWhileLeased, record.isExpired(at: now))
        }()
        guard let (index, lostWhileLeased, expired) = found else { return [] }
        // `.leased([])` is the transient "returned, not yet decided" state: the lessee is gone (so a
        // following `lease` cannot see it) and the branches below move the connection on before the event
        // ends.
        let lease = removeLessee(at: index, from: id)
        let leases = connections[id]!.lessees
        var actions: [Action] = []
        statistics.releases += 1
        cancelLeakTimer(for: lease.waiter.id, into: &actions)

        if !leases.isEmpty {
            // Other lessees still hold it (multiplexing). A broken connection is closed when the last
            // of them returns it (they are failing too) and takes no new lessee meanwhile.
            if state == .broken { connections[id]!.lostWhileLeased = true }
        } else if state == .broken || lostWhileLeased {
            close(id, reason: .broken, into: &actions)
        } else if !isRunning {
            close(id, reason: .shutdown, into: &actions)
        } else if expired {
            // No point rolling back a connection about to be closed anyway.
            close(id, reason: .lifetimeExpired, into: &actions)
        } else if state == .needsReset {
            transition(id, to: .resetting)
            actions.append(.resetConnection(id))
        } else {
            offer(id, now: now, into: &actions)
        }
        if !configuration.backgroundMaintenance { sweep(now: now, into: &actions) }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// The rollback of a returned connection succeeded: it is as good as an idle return.
    package mutating func resetSucceeded(_ id: ConnectionID, now: Instant) -> [Action] {
        guard case .resetting? = connections[id]?.state else { return [] }
        var actions: [Action] = []
        statistics.resets += 1
        offer(id, now: now, into: &actions)
        if !configuration.backgroundMaintenance { sweep(now: now, into: &actions) }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// The rollback failed: the connection's state is unknown, so it is closed (and replaced if needed).
    package mutating func resetFailed(_ id: ConnectionID, now: Instant) -> [Action] {
        guard case .resetting? = connections[id]?.state else { return [] }
        var actions: [Action] = []
        statistics.resetFailures += 1
        close(id, reason: .resetFailed, into: &actions)
        finishEvent(now: now, into: &actions)
        return actions
    }
}
