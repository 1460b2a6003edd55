extension PoolStateMachine {
    // Every change of a connection's state goes through these three functions, which keep the gauges,
    // the idle stack and the request→connection maps in step with the records. Keeping it in one place is
    // what lets the model test check "statistics consistent" as a plain equality.

    mutating func addConnection() -> ConnectionID {
        let id = nextConnectionID
        nextConnectionID += 1
        connections[id] = ConnectionRecord(id: id)
        statistics.size += 1
        adjustGauges(for: .connecting, by: 1)
        return id
    }

    mutating func transition(_ id: ConnectionID, to newState: ConnectionRecord.State) {
        guard let old = connections[id]?.state else {
            preconditionFailure("transition of unknown connection \(id)")
        }
        leave(id, old)
        connections[id]!.state = newState
        enter(id, newState)
    }

    /// A lessee joins a connection others hold (multiplexing). Only its own entry changes: going
    /// through `transition` would take every lessee out of the maps and put it back, O(lessees) per
    /// statement on a connection carrying dozens.
    mutating func addLessee(_ lease: Lease, to id: ConnectionID) {
        guard case .leased(var leases) = connections[id]!.state, !leases.isEmpty else {
            transition(id, to: .leased(connections[id]!.lessees + [lease]))
            return
        }
        connections[id]!.state = .resetting  // drops the record's reference, so the append does not copy
        leases.append(lease)
        precondition(leases.allSatisfy(\.waiter.shared), "an exclusive lessee shares \(id)")
        precondition(leases.count <= max(1, sharedLesseesPerConnection), "too many lessees on \(id)")
        precondition(leasedRequests[lease.waiter.id] == nil, "request \(lease.waiter.id) leased twice")
        leasedRequests[lease.waiter.id] = id
        connections[id]!.state = .leased(leases)
    }

    /// A lessee leaves a leased connection; the counterpart of `addLessee`. The connection may be
    /// left in the transient `.leased([])` state, which the caller moves on before the event ends.
    mutating func removeLessee(at index: Int, from id: ConnectionID) -> Lease {
        guard case .leased(var leases) = connections[id]!.state else { preconditionFailure("\(id) is not leased") }
        connections[id]!.state = .resetting  // as in addLessee
        let lease = leases.remove(at: index)
        leasedRequests[lease.waiter.id] = nil
        if leases.isEmpty { statistics.leased -= 1 }
        connections[id]!.state = .leased(leases)
        return lease
    }

    mutating func removeConnection(_ id: ConnectionID) {
        guard let record = connections.removeValue(forKey: id) else { return }
        leave(id, record.state)
        statistics.size -= 1
    }

    private mutating func leave(_ id: ConnectionID, _ state: ConnectionRecord.State) {
        adjustGauges(for: state, by: -1)
        switch state {
        case .idle:
            if idleStack.last == id {
                idleStack.removeLast()
            } else if let index = idleStack.firstIndex(of: id) {
                idleStack.remove(at: index)
            }
        case .checking(let waiter?):
            checkingRequests[waiter.id] = nil
        case .leased(let leases):
            for lease in leases { leasedRequests[lease.waiter.id] = nil }
        case .connecting, .checking(nil), .resetting, .closing:
            break
        }
    }

    private mutating func enter(_ id: ConnectionID, _ state: ConnectionRecord.State) {
        adjustGauges(for: state, by: 1)
        switch state {
        case .idle:
            idleStack.append(id)
        case .checking(let waiter?):
            checkingRequests[waiter.id] = id
        case .leased(let leases):
            precondition(leases.count <= 1 || leases.allSatisfy(\.waiter.shared), "an exclusive lessee shares \(id)")
            precondition(leases.count <= max(1, sharedLesseesPerConnection), "too many lessees on \(id)")
            for lease in leases {
                precondition(leasedRequests[lease.waiter.id] == nil, "request \(lease.waiter.id) leased twice")
                leasedRequests[lease.waiter.id] = id
            }
            statistics.maxLeased = max(statistics.maxLeased, statistics.leased)
        case .connecting, .checking(nil), .resetting, .closing:
            break
        }
    }

    private mutating func adjustGauges(for state: ConnectionRecord.State, by delta: Int) {
        switch state {
        case .connecting: statistics.connecting += delta
        case .idle: statistics.idle += delta
        case .checking: statistics.checking += delta
        case .leased(let leases): if !leases.isEmpty { statistics.leased += delta }
        case .resetting: statistics.resetting += delta
        case .closing: statistics.closing += delta
        }
    }

    /// Connections that are, or will shortly be, usable: everything but those being closed. What
    /// `minConnections` and idle trimming count.
    var liveConnectionCount: Int { statistics.size - statistics.closing }

    package var isRunning: Bool { lifecycle == .running }

    mutating func syncWaitingGauge() { statistics.waiting = queue.count }
}
