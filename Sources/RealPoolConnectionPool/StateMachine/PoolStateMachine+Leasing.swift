extension PoolStateMachine {
    /// A caller wants a connection.
    ///
    /// Served at once from the most recently used idle connection if nobody is waiting; otherwise queued
    /// (first-come first-served) with an `acquireTimeout` timer, and a connection is opened if the queue
    /// is not already covered by connections being opened or reset. Fails at once when the pool is
    /// shutting down or `maxWaiters` requests are already waiting.
    package mutating func leaseRequested(_ request: RequestID, shared: Bool = false, affinity: Int? = nil, now: Instant) -> [Action] {
        var actions: [Action] = []
        leaseRequested(request, shared: shared, affinity: affinity, now: now, into: &actions)
        return actions
    }

    /// As `leaseRequested(_:shared:affinity:now:)`, appending to `actions`: the pool passes a
    /// buffer it keeps, so the hot path allocates no array per lease.
    mutating func leaseRequested(_ request: RequestID, shared: Bool = false, affinity: Int? = nil, now: Instant,
                                 into actions: inout [Action]) {
        statistics.leaseRequests += 1
        guard isRunning else {
            statistics.failedShutdown += 1
            actions.append(.failRequest(request, .shutdown))
            return
        }
        let waiter = Waiter(id: request, enqueuedAt: now, deadline: now + configuration.acquireTimeout, shared: shared, affinity: affinity)
        // The hot path: nobody queued and a connection ready that needs no ping. Served as
        // `serveWaiters` would serve it, without passing through the queue.
        if queue.isEmpty, let id = leasableConnection(for: waiter, now: now, into: &actions),
           !connections[id]!.lessees.isEmpty || !needsPing(id, now: now) {
            lease(id, to: waiter, now: now, into: &actions)
            if !configuration.backgroundMaintenance { sweep(now: now, into: &actions) }
            openConnectionsIfNeeded(now: now, into: &actions)
            return
        }
        queue.append(waiter)
        serveWaiters(now: now, into: &actions)
        // Without background maintenance, trim after serving: the request takes the most recently used
        // connection (expired ones are never handed out) instead of paying for a connect because the
        // idle connections were closed first.
        if !configuration.backgroundMaintenance { sweep(now: now, into: &actions) }

        if var waiter = queue[request] {
            // Not served: it has to wait. Checked after serving so that `maxWaiters = 0` still serves
            // from idle connections.
            if queue.count > configuration.maxWaiters {
                queue.remove(request)
                statistics.rejectedTooManyWaiters += 1
                actions.append(.failRequest(request, .tooManyWaiters))
            } else if waiter.deadline <= now {
                queue.remove(request)
                statistics.timeouts += 1
                actions.append(.failRequest(request, .timeout(lastConnectError: lastConnectError)))
            } else {
                scheduleAcquireTimeout(&waiter, into: &actions)
                queue[request] = waiter
            }
        } else if let id = checkingRequests[request], case .checking(var waiter?) = connections[id]?.state {
            // Being handed a connection that needs a ping first: the timeout still applies.
            scheduleAcquireTimeout(&waiter, into: &actions)
            transition(id, to: .checking(waiter))
        }
        openConnectionsIfNeeded(now: now, into: &actions)
        syncWaitingGauge()
    }

    /// The task waiting for `request` was cancelled. If it is still waiting (or its connection is still
    /// being pinged) it fails with `.cancelled`; if it has already been handed a connection, nothing
    /// happens here and the executor releases that lease normally.
    package mutating func requestCancelled(_ request: RequestID, now: Instant) -> [Action] {
        var actions: [Action] = []
        if abandon(request, reason: .cancelled, timerFired: false, into: &actions) {
            statistics.cancelledWaiters += 1
        }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// The executor's zero-round-trip liveness check, done before handing over the connection of a
    /// `leaseConnection` action, found its socket dead. The connection is closed, the lease is undone
    /// and the request goes back to the head of the queue, where the next idle connection or a
    /// replacement serves it.
    ///
    /// - Parameter request: the request whose `leaseConnection` found it broken. Shared requests that
    ///   joined the connection meanwhile keep their leases (the executor may have handed them over
    ///   already): the connection takes no new lessee and is closed when the last of them returns it.
    ///   `nil` undoes every lease on it.
    package mutating func connectionFoundBroken(_ id: ConnectionID, request: RequestID? = nil, now: Instant) -> [Action] {
        guard case .leased(let leases)? = connections[id]?.state else { return [] }
        var actions: [Action] = []
        statistics.brokenAtLease += 1
        if let request, leases.count > 1 {
            guard let index = leases.firstIndex(where: { $0.waiter.id == request }) else { return [] }
            let lease = removeLessee(at: index, from: id)
            connections[id]!.lostWhileLeased = true
            statistics.acquires -= 1
            statistics.waitTimeTotalMicroseconds -= lease.chargedWait.poolMicroseconds
            cancelLeakTimer(for: lease.waiter.id, into: &actions)
            requeue(lease.waiter, now: now, into: &actions)
            finishEvent(now: now, into: &actions)
            return actions
        }
        close(id, reason: .brokenAtLease, into: &actions)
        for lease in leases {
            statistics.acquires -= 1
            statistics.waitTimeTotalMicroseconds -= lease.chargedWait.poolMicroseconds
            cancelLeakTimer(for: lease.waiter.id, into: &actions)
        }
        // Re-queue in reverse so that, with several lessees, the earliest ends up first.
        for lease in leases.reversed() { requeue(lease.waiter, now: now, into: &actions) }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// The ping of a long-idle connection succeeded: hand it to the waiter it was checked for.
    package mutating func pingSucceeded(_ id: ConnectionID, now: Instant) -> [Action] {
        guard case .checking(let waiter)? = connections[id]?.state else { return [] }
        var actions: [Action] = []
        if let waiter, isRunning, !connections[id]!.isExpired(at: now) {
            lease(id, to: waiter, now: now, into: &actions)
        } else {
            if let waiter {
                // Expired during the ping; the waiter keeps its place at the head.
                transition(id, to: .checking(nil))
                requeue(waiter, now: now, into: &actions)
            }
            offer(id, now: now, into: &actions)
        }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// The ping failed: the connection is dead. Close it; its waiter goes back to the head of the queue.
    package mutating func pingFailed(_ id: ConnectionID, now: Instant) -> [Action] {
        guard case .checking(let waiter)? = connections[id]?.state else { return [] }
        var actions: [Action] = []
        statistics.pingFailures += 1
        close(id, reason: .pingFailed, into: &actions)
        if let waiter { requeue(waiter, now: now, into: &actions) }
        finishEvent(now: now, into: &actions)
        return actions
    }

    // MARK: - Helpers

    /// Hands connections to waiters, first-come first-served, until one side runs out. The head waiter
    /// is served or nobody is: a shared request behind an exclusive one waits, so that shared connections
    /// drain and the exclusive request is not starved.
    mutating func serveWaiters(now: Instant, into actions: inout [Action]) {
        while let head = queue.first(), let id = leasableConnection(for: head, now: now, into: &actions) {
            let waiter = queue.popFirst()!
            if !connections[id]!.lessees.isEmpty {
                lease(id, to: waiter, now: now, into: &actions)
            } else if needsPing(id, now: now) {
                statistics.pings += 1
                transition(id, to: .checking(waiter))
                actions.append(.pingConnection(id))
            } else {
                lease(id, to: waiter, now: now, into: &actions)
            }
        }
        syncWaitingGauge()
    }

    /// The connection to lease next: the most recently used idle one that has not expired; for a shared
    /// request, failing that and once the pool is at `maxConnections`, the shared connection with the
    /// fewest lessees that has room. A waiter with an `affinity` prefers, among those, one last leased
    /// from its thread. Expired idle connections met on the way are closed (and replaced by
    /// `openConnectionsIfNeeded`), never handed out.
    private mutating func leasableConnection(for waiter: Waiter, now: Instant, into actions: inout [Action]) -> ConnectionID? {
        while let id = idleStack.last {
            if connections[id]!.isExpired(at: now) {
                close(id, reason: .lifetimeExpired, into: &actions)
                continue
            }
            guard let affinity = waiter.affinity, connections[id]!.affinity != affinity else { return id }
            let mine = idleStack.lastIndex { connections[$0]!.affinity == affinity && !connections[$0]!.isExpired(at: now) }
            return mine.map { idleStack[$0] } ?? id
        }
        // Spread before sharing: while the pool may open another connection, a shared request waits
        // for one (more backends use more server cores); at the cap it joins a busy one.
        guard waiter.shared, sharedLesseesPerConnection > 1,
              connections.count >= configuration.maxConnections else { return nil }
        // ranked by: last leased from the waiter's thread, then fewest lessees, then lowest id
        var best: (id: ConnectionID, rank: (Int, Int, ConnectionID))?
        for (id, record) in connections {
            let leases = record.lessees
            guard !leases.isEmpty, leases.count < sharedLesseesPerConnection,
                  leases.allSatisfy(\.waiter.shared), !record.lostWhileLeased, !record.isExpired(at: now) else { continue }
            let rank = (waiter.affinity != nil && record.affinity == waiter.affinity ? 0 : 1, leases.count, id)
            if best == nil || rank < best!.rank { best = (id, rank) }
        }
        return best?.id
    }

    private func needsPing(_ id: ConnectionID, now: Instant) -> Bool {
        guard let pingAfterIdle = configuration.pingAfterIdle,
              case .idle(let since)? = connections[id]?.state else { return false }
        return now - since >= pingAfterIdle
    }

    /// Gives a ready connection (just opened, returned, reset or pinged without a waiter) to the head
    /// waiter, or makes it idle. Such a connection needs no ping: it was just used.
    mutating func offer(_ id: ConnectionID, now: Instant, into actions: inout [Action]) {
        guard isRunning else {
            close(id, reason: .shutdown, into: &actions)
            return
        }
        if connections[id]!.isExpired(at: now) {
            close(id, reason: .lifetimeExpired, into: &actions)
            return
        }
        if let waiter = queue.popFirst() {
            lease(id, to: waiter, now: now, into: &actions)
        } else {
            transition(id, to: .idle(since: now))
            scheduleIdleCheckIfNeeded(now: now, into: &actions)
        }
        syncWaitingGauge()
    }

    mutating func lease(_ id: ConnectionID, to waiter: Waiter, now: Instant, into actions: inout [Action]) {
        var waiter = waiter
        let timerWasScheduled = waiter.timerScheduled
        waiter.timerScheduled = false  // cancelled below; a re-queue must schedule it again
        let wait = now - waiter.enqueuedAt
        let joining = !connections[id]!.lessees.isEmpty
        if !joining { connections[id]!.affinity = waiter.affinity }
        addLessee(Lease(waiter: waiter, since: now, chargedWait: wait), to: id)
        let lesseeCount = connections[id]!.lessees.count

        statistics.acquires += 1
        if joining { statistics.sharedJoins += 1 }
        statistics.maxLesseesOnOneConnection = max(statistics.maxLesseesOnOneConnection, lesseeCount)
        statistics.waitTimeTotalMicroseconds += wait.poolMicroseconds
        statistics.waitTimeMaxMicroseconds = max(statistics.waitTimeMaxMicroseconds, wait.poolMicroseconds)

        actions.append(joining ? .joinConnection(id, to: waiter.id) : .leaseConnection(id, to: waiter.id))
        if timerWasScheduled {
            actions.append(.cancelTimer(.acquireTimeout(waiter.id)))
        }
        if let threshold = configuration.leakDetectionThreshold {
            actions.append(.scheduleTimer(.leakDetection(waiter.id), at: now + threshold))
        }
    }

    /// Puts a waiter whose connection failed before it was handed over back at the head of the queue, or
    /// fails it if its time is up or the pool is shutting down.
    mutating func requeue(_ waiter: Waiter, now: Instant, into actions: inout [Action]) {
        var waiter = waiter
        if !isRunning {
            if waiter.timerScheduled { actions.append(.cancelTimer(.acquireTimeout(waiter.id))) }
            statistics.failedShutdown += 1
            actions.append(.failRequest(waiter.id, .shutdown))
        } else if waiter.deadline <= now {
            if waiter.timerScheduled { actions.append(.cancelTimer(.acquireTimeout(waiter.id))) }
            statistics.timeouts += 1
            actions.append(.failRequest(waiter.id, .timeout(lastConnectError: lastConnectError)))
        } else {
            scheduleAcquireTimeout(&waiter, into: &actions)
            queue.pushFront(waiter)
        }
        syncWaitingGauge()
    }

    /// Removes a request that is waiting or whose connection is being pinged, and fails it.
    /// - Returns: whether the request was found (false: already served or answered).
    mutating func abandon(
        _ request: RequestID, reason: FailureReason, timerFired: Bool, into actions: inout [Action]
    ) -> Bool {
        let waiter: Waiter
        if let queued = queue.remove(request) {
            waiter = queued
        } else if let id = checkingRequests[request], case .checking(let checked?)? = connections[id]?.state {
            // The ping goes on; its result makes the connection available to the next waiter.
            transition(id, to: .checking(nil))
            waiter = checked
        } else {
            return false
        }
        if waiter.timerScheduled, !timerFired {
            actions.append(.cancelTimer(.acquireTimeout(request)))
        }
        actions.append(.failRequest(request, reason))
        syncWaitingGauge()
        return true
    }

    private func scheduleAcquireTimeout(_ waiter: inout Waiter, into actions: inout [Action]) {
        guard !waiter.timerScheduled else { return }
        waiter.timerScheduled = true
        actions.append(.scheduleTimer(.acquireTimeout(waiter.id), at: waiter.deadline))
    }

    mutating func cancelLeakTimer(for request: RequestID, into actions: inout [Action]) {
        if configuration.leakDetectionThreshold != nil {
            actions.append(.cancelTimer(.leakDetection(request)))
        }
    }

    /// What every event ends with: serve waiters from idle connections, open connections for what is
    /// left (and for `minConnections`), and finish a shutdown once nothing is left.
    mutating func finishEvent(now: Instant, into actions: inout [Action]) {
        serveWaiters(now: now, into: &actions)
        openConnectionsIfNeeded(now: now, into: &actions)
        completeShutdownIfDone(into: &actions)
        syncWaitingGauge()
    }
}

extension Duration {
    var poolMicroseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
    }
}
