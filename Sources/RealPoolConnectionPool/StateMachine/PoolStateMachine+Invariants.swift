extension PoolStateMachine {
    /// Checks the state machine's internal consistency and returns what is wrong (empty when all is
    /// well). Used after every step of the model test; an executor may call it in debug builds.
    package func invariantViolations() -> [String] {
        var problems: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { problems.append(message()) }
        }

        // Gauges recomputed from the records.
        var expected = PoolStatistics()
        var lessees = 0
        var seenRequests: [RequestID: String] = [:]
        for (id, record) in connections {
            check(record.id == id, "record \(record.id) stored under \(id)")
            switch record.state {
            case .connecting: expected.connecting += 1
            case .idle: expected.idle += 1
            case .checking(let waiter):
                expected.checking += 1
                if let waiter {
                    check(seenRequests.updateValue("checking", forKey: waiter.id) == nil,
                          "request \(waiter.id) in two places")
                    check(checkingRequests[waiter.id] == id, "checkingRequests out of step for \(waiter.id)")
                }
            case .leased(let leases):
                expected.leased += 1
                check(!leases.isEmpty, "connection \(id) leased to nobody")
                check(leases.count <= max(1, sharedLesseesPerConnection), "connection \(id) has \(leases.count) lessees")
                check(leases.count <= 1 || leases.allSatisfy(\.waiter.shared), "connection \(id) shared with an exclusive lessee")
                for lease in leases {
                    lessees += 1
                    check(seenRequests.updateValue("leased", forKey: lease.waiter.id) == nil,
                          "request \(lease.waiter.id) in two places")
                    check(leasedRequests[lease.waiter.id] == id, "leasedRequests out of step for \(lease.waiter.id)")
                }
            case .resetting: expected.resetting += 1
            case .closing: expected.closing += 1
            }
        }
        for id in queue.orderedIDs {
            check(seenRequests.updateValue("waiting", forKey: id) == nil, "request \(id) in two places")
        }
        let s = statistics
        check(s.size == connections.count, "connections gauge \(s.size) ≠ \(connections.count)")
        check(s.connecting == expected.connecting, "connecting gauge \(s.connecting) ≠ \(expected.connecting)")
        check(s.idle == expected.idle, "idle gauge \(s.idle) ≠ \(expected.idle)")
        check(s.checking == expected.checking, "checking gauge \(s.checking) ≠ \(expected.checking)")
        check(s.leased == expected.leased, "leased gauge \(s.leased) ≠ \(expected.leased)")
        check(s.resetting == expected.resetting, "resetting gauge \(s.resetting) ≠ \(expected.resetting)")
        check(s.closing == expected.closing, "closing gauge \(s.closing) ≠ \(expected.closing)")
        check(s.waiting == queue.count, "waiting gauge \(s.waiting) ≠ \(queue.count)")
        check(leasedRequests.count == lessees, "leasedRequests has stale entries")
        check(checkingRequests.count == seenRequests.values.filter { $0 == "checking" }.count,
              "checkingRequests has stale entries")

        // Capacity and queue discipline.
        check(connections.count <= configuration.maxConnections,
              "\(connections.count) connections > max \(configuration.maxConnections)")
        check(idleStack.count == expected.idle && Set(idleStack).count == idleStack.count,
              "idle stack \(idleStack) out of step")
        var previous: Instant?
        for id in idleStack {
            guard case .idle(let since)? = connections[id]?.state else {
                problems.append("idle stack holds non-idle \(id)")
                continue
            }
            if let previous { check(previous <= since, "idle stack not ordered by idle time") }
            previous = since
        }
        check(idleStack.isEmpty || queue.isEmpty, "idle connections while \(queue.count) requests wait")

        // Lifecycle.
        switch lifecycle {
        case .running: break
        case .shuttingDown:
            check(queue.isEmpty && checkingRequests.isEmpty, "requests waiting during shutdown")
            check(idleStack.isEmpty, "idle connections during shutdown")
        case .shutDown:
            check(connections.isEmpty && queue.isEmpty, "shut down with connections or waiters left")
        }

        // Counters balance.
        let answered = s.acquires + s.timeouts + s.rejectedTooManyWaiters + s.cancelledWaiters + s.failedShutdown
        check(s.leaseRequests == answered + queue.count + checkingRequests.count,
              "requests \(s.leaseRequests) ≠ answered \(answered) + waiting \(queue.count) + checking \(checkingRequests.count)")
        check(s.acquires == s.releases + s.leasesRevoked + lessees,
              "acquires \(s.acquires) ≠ releases \(s.releases) + revoked \(s.leasesRevoked) + held \(lessees)")
        check(s.connectAttempts == s.connectionsOpened + s.connectFailures + s.connectsAborted + s.connecting,
              "connect attempts don't balance")
        check(s.connectionsOpened == s.connectionsClosed + s.idle + s.leased + s.checking + s.resetting,
              "opened \(s.connectionsOpened) ≠ closed \(s.connectionsClosed) + live")
        check(s.maxLeased >= s.leased, "maxLeased below leased")
        return problems
    }
}
