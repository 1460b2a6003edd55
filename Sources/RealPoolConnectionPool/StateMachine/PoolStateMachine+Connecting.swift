extension PoolStateMachine {
    /// A connect finished.
    /// - Parameter lifetime: how long this connection may live, already jittered by the executor
    ///   (`configuration.jitteredLifetime(random:)`); `nil` for unlimited.
    package mutating func connectSucceeded(_ id: ConnectionID, now: Instant, lifetime: Duration?) -> [Action] {
        // A connection aborted at the shutdown deadline is `.closing`: the close already asked for
        // completes it, so its late success is ignored.
        guard case .connecting? = connections[id]?.state else { return [] }
        var actions: [Action] = []
        statistics.connectionsOpened += 1
        connections[id]!.opened = true
        connectFailureStreak = 0
        connectBackoffUntil = nil
        lastConnectError = nil
        if connectRetryScheduledAt != nil {
            connectRetryScheduledAt = nil
            actions.append(.cancelTimer(.connectRetry))
        }
        if let lifetime {
            let deadline = now + lifetime
            connections[id]!.lifetimeDeadline = deadline
            if configuration.backgroundMaintenance && isRunning {
                connections[id]!.lifetimeTimerScheduled = true
                actions.append(.scheduleTimer(.lifetimeExpiry(id), at: deadline))
            }
        }
        offer(id, now: now, into: &actions)
        if !configuration.backgroundMaintenance { sweep(now: now, into: &actions) }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// A connect failed. The slot is freed at once (a failed connect does not use up capacity); the next
    /// attempt waits for the back-off, and the error is kept for the timeouts of waiting requests.
    /// - Parameter random: a value in `0...1` for the back-off jitter (0.5: none).
    package mutating func connectFailed(
        _ id: ConnectionID, error: String, now: Instant, random: Double = 0.5
    ) -> [Action] {
        guard let record = connections[id] else { return [] }
        var actions: [Action] = []
        switch record.state {
        case .connecting:
            statistics.connectFailures += 1
            removeConnection(id)
            connectFailureStreak += 1
            lastConnectError = error
            connectBackoffUntil = now + configuration.connectRetryBackoff.delay(
                afterConsecutiveFailures: connectFailureStreak, random: random)
        case .closing:
            // Aborted at the shutdown deadline; counted as aborted already.
            removeConnection(id)
        default:
            return []
        }
        finishEvent(now: now, into: &actions)
        return actions
    }

    /// Opens connections for waiters not covered by connections being opened or reset, and up to
    /// `minConnections`, never past `maxConnections`. While connects are failing it opens nothing until
    /// the back-off has elapsed (scheduling a `connectRetry` timer instead), and then only one probe at a
    /// time, so a server that is down is not hammered.
    mutating func openConnectionsIfNeeded(now: Instant, into actions: inout [Action]) {
        guard isRunning else { return }
        let coverage = statistics.connecting + statistics.resetting
        let forWaiters = max(0, queue.count - coverage)
        let forMinimum = max(0, configuration.minConnections - liveConnectionCount)
        var wanted = min(max(forWaiters, forMinimum), configuration.maxConnections - statistics.size)
        guard wanted > 0 else { return }
        if connectFailureStreak > 0 {
            if let until = connectBackoffUntil, now < until {
                // Keep-warm retries for `minConnections` alone are background work.
                if forWaiters > 0 || configuration.backgroundMaintenance {
                    scheduleConnectRetry(at: until, into: &actions)
                }
                return
            }
            wanted = min(wanted, 1 - statistics.connecting)
            guard wanted > 0 else { return }
        }
        for _ in 0..<wanted {
            let id = addConnection()
            statistics.connectAttempts += 1
            actions.append(.createConnection(id))
        }
    }

    private mutating func scheduleConnectRetry(at instant: Instant, into actions: inout [Action]) {
        guard connectRetryScheduledAt != instant else { return }
        connectRetryScheduledAt = instant
        actions.append(.scheduleTimer(.connectRetry, at: instant))
    }
}
