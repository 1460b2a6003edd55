extension PoolStateMachine {
    /// Starts shutting down: every waiting request fails with `.shutdown`, idle connections close, leased
    /// ones close as they come back, and at `deadline` whatever is left is force-closed (so shutdown never
    /// hangs on a lease that is never returned). `shutdownCompleted` follows once every connection is
    /// closed. Lease requests from now on fail at once.
    package mutating func shutdown(now: Instant, deadline: Instant) -> [Action] {
        guard isRunning else { return [] }
        var actions: [Action] = []
        lifecycle = .shuttingDown(deadline: deadline, forced: false)

        for waiter in queue.removeAll() {
            if waiter.timerScheduled { actions.append(.cancelTimer(.acquireTimeout(waiter.id))) }
            statistics.failedShutdown += 1
            actions.append(.failRequest(waiter.id, .shutdown))
        }
        for (request, _) in checkingRequests.sorted(by: { $0.key < $1.key }) {
            if abandon(request, reason: .shutdown, timerFired: false, into: &actions) {
                statistics.failedShutdown += 1
            }
        }
        for id in idleStack { close(id, reason: .shutdown, into: &actions) }
        if idleCheckScheduledAt != nil {
            idleCheckScheduledAt = nil
            actions.append(.cancelTimer(.idleCheck))
        }
        if connectRetryScheduledAt != nil {
            connectRetryScheduledAt = nil
            actions.append(.cancelTimer(.connectRetry))
        }
        syncWaitingGauge()

        if connections.isEmpty {
            completeShutdownIfDone(into: &actions)
        } else if deadline <= now {
            forceShutdown(into: &actions)
        } else {
            shutdownTimerScheduled = true
            actions.append(.scheduleTimer(.shutdownDeadline, at: deadline))
        }
        return actions
    }

    /// The deadline passed: close everything still open, leased or being opened.
    mutating func forceShutdown(into actions: inout [Action]) {
        guard case .shuttingDown(let deadline, forced: false) = lifecycle else { return }
        lifecycle = .shuttingDown(deadline: deadline, forced: true)
        for id in connections.keys.sorted() {
            guard let record = connections[id], !record.isClosing else { continue }
            for lease in record.lessees {
                statistics.leasesRevoked += 1
                cancelLeakTimer(for: lease.waiter.id, into: &actions)
            }
            close(id, reason: .shutdownForced, into: &actions)
        }
    }

    mutating func completeShutdownIfDone(into actions: inout [Action]) {
        guard case .shuttingDown(_, let forced) = lifecycle, connections.isEmpty else { return }
        lifecycle = .shutDown
        if shutdownTimerScheduled && !forced { actions.append(.cancelTimer(.shutdownDeadline)) }
        shutdownTimerScheduled = false
        actions.append(.shutdownCompleted)
    }
}
