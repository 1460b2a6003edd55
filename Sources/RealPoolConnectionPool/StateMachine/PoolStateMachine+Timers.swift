extension PoolStateMachine {
    /// A timer scheduled by a `scheduleTimer` action fired. Each kind re-checks its condition against
    /// `now`, so stale or early firings do no harm (an early one is rescheduled).
    package mutating func timerFired(_ timer: Timer, now: Instant) -> [Action] {
        var actions: [Action] = []
        switch timer {
        case .acquireTimeout(let request):
            if let deadline = waiterDeadline(request) {
                if deadline <= now {
                    let reason = FailureReason.timeout(lastConnectError: lastConnectError)
                    if abandon(request, reason: reason, timerFired: true, into: &actions) {
                        statistics.timeouts += 1
                    }
                } else {
                    actions.append(.scheduleTimer(timer, at: deadline))
                }
            }

        case .idleCheck:
            idleCheckScheduledAt = nil
            sweep(now: now, into: &actions)
            scheduleIdleCheckIfNeeded(now: now, into: &actions)

        case .lifetimeExpiry(let id):
            guard let record = connections[id], let deadline = record.lifetimeDeadline else { break }
            if deadline > now {
                actions.append(.scheduleTimer(timer, at: deadline))
                break
            }
            connections[id]!.lifetimeTimerScheduled = false
            // Only idle connections are closed now; leased, checking and resetting ones are checked for
            // expiry when they come back.
            if case .idle = record.state { close(id, reason: .lifetimeExpired, into: &actions) }

        case .connectRetry:
            if let scheduled = connectRetryScheduledAt, scheduled > now {
                actions.append(.scheduleTimer(timer, at: scheduled))
                break
            }
            connectRetryScheduledAt = nil

        case .leakDetection(let request):
            guard let threshold = configuration.leakDetectionThreshold,
                  let id = leasedRequests[request],
                  let lease = connections[id]?.lessees.first(where: { $0.waiter.id == request })
            else { break }
            let heldFor = now - lease.since
            if heldFor >= threshold {
                statistics.leakWarnings += 1
                actions.append(.leakWarning(id, lessee: request, heldFor: heldFor))
            } else {
                actions.append(.scheduleTimer(timer, at: lease.since + threshold))
            }

        case .shutdownDeadline:
            if case .shuttingDown(let deadline, forced: false) = lifecycle {
                if deadline <= now {
                    forceShutdown(into: &actions)
                } else {
                    actions.append(.scheduleTimer(timer, at: deadline))
                }
            }
        }
        finishEvent(now: now, into: &actions)
        return actions
    }

    private func waiterDeadline(_ request: RequestID) -> Instant? {
        if let waiter = queue[request] { return waiter.deadline }
        if let id = checkingRequests[request], case .checking(let waiter?)? = connections[id]?.state {
            return waiter.deadline
        }
        return nil
    }

    /// Closes idle connections that have expired, then, oldest first, those idle longer than
    /// `maxIdleTime` while the pool is above `minConnections`. Run by the `idleCheck` timer, and on every
    /// lease and release event when background maintenance is off.
    mutating func sweep(now: Instant, into actions: inout [Action]) {
        guard isRunning else { return }
        for id in idleStack where connections[id]!.isExpired(at: now) {
            close(id, reason: .lifetimeExpired, into: &actions)
        }
        guard let maxIdleTime = configuration.maxIdleTime else { return }
        while liveConnectionCount > configuration.minConnections,
              let oldest = idleStack.first,
              case .idle(let since)? = connections[oldest]?.state,
              since + maxIdleTime <= now {
            close(oldest, reason: .idleTimeout, into: &actions)
        }
    }

    /// Makes sure an `idleCheck` timer is pending for the earliest idle connection that will become due.
    /// Connections become idle in time order, so a pending timer is always early enough for a newly idle
    /// connection and the common path adds no action.
    mutating func scheduleIdleCheckIfNeeded(now: Instant, into actions: inout [Action]) {
        guard configuration.backgroundMaintenance, isRunning, idleCheckScheduledAt == nil,
              let maxIdleTime = configuration.maxIdleTime else { return }
        // Skip connections already past due but kept for `minConnections`: a timer for them would fire
        // at once and again forever.
        for id in idleStack {
            guard case .idle(let since)? = connections[id]?.state else { continue }
            let due = since + maxIdleTime
            if due > now {
                idleCheckScheduledAt = due
                actions.append(.scheduleTimer(.idleCheck, at: due))
                return
            }
        }
    }
}
