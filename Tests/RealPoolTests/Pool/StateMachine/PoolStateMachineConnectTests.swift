import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

@Suite("Pool state machine: connecting")
struct PoolStateMachineConnectTests {
    @Test func startKeepsMinimumWarm() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 2, max: 4))
        let created = sm.start(now: poolTime(0)).created
        #expect(created == [0, 1])
        _ = sm.connectSucceeded(0, now: poolTime(1), lifetime: nil)
        _ = sm.connectSucceeded(1, now: poolTime(1), lifetime: nil)
        #expect(sm.statistics.idle == 2)
        // A waiter is served from the warm connections without opening more.
        #expect(sm.leaseRequested(1, now: poolTime(2)).created.isEmpty)
        #expect(sm.invariantViolations() == [])
    }

    @Test func lostWarmConnectionIsReplacedToKeepMinimum() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 4))
        let c = sm.start(now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(c, now: poolTime(0), lifetime: nil)
        let lost = sm.connectionLost(c, now: poolTime(5))
        #expect(lost.closed.map(\.reason) == [.lost])
        #expect(lost.created.count == 1, "replacement opened at once")
        #expect(sm.statistics.connectionsLost == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func failedConnectFreesCapacityAndRetriesWithBackoff() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let first = sm.leaseRequested(1, now: poolTime(0)).created[0]
        let failed = sm.connectFailed(first, error: "connection refused", now: poolTime(0.5))
        // No immediate reconnect (no spinning); a retry timer after the initial back-off (1 s).
        #expect(failed.created.isEmpty)
        #expect(failed.scheduled.map(\.timer) == [.connectRetry])
        #expect(failed.scheduled.map(\.at) == [poolTime(1.5)])
        #expect(sm.statistics.size == 0 && sm.statistics.connectFailures == 1)

        // Requests arriving during the back-off do not start connects either.
        let second = sm.leaseRequested(2, now: poolTime(1))
        #expect(second.created.isEmpty && second.scheduled.map(\.timer) == [.acquireTimeout(2)])

        // The retry opens one probe, not one per waiter.
        let retry = sm.timerFired(.connectRetry, now: poolTime(1.5))
        #expect(retry.created.count == 1)
        let probe = retry.created[0]

        // It fails again: the back-off doubles.
        let again = sm.connectFailed(probe, error: "connection refused", now: poolTime(2))
        #expect(again.scheduled.map(\.at) == [poolTime(4)])
        let third = sm.timerFired(.connectRetry, now: poolTime(4)).created[0]

        // Success resets the back-off and opens the rest of what the waiters need.
        let ok = sm.connectSucceeded(third, now: poolTime(4.1), lifetime: nil)
        #expect(ok.leases.map(\.request) == [1])
        #expect(ok.created.count == 1, "second waiter gets its own connection now")
        #expect(sm.lastConnectError == nil)
        #expect(sm.invariantViolations() == [])
    }

    @Test func backoffIsCappedAndJittered() {
        let backoff = PoolConfiguration.ConnectRetryBackoff(
            initial: .milliseconds(100), maximum: .seconds(10), multiplier: 2, jitter: 0.2)
        #expect(backoff.delay(afterConsecutiveFailures: 1, random: 0.5) == .milliseconds(100))
        #expect(backoff.delay(afterConsecutiveFailures: 3, random: 0.5) == .milliseconds(400))
        #expect(backoff.delay(afterConsecutiveFailures: 1000, random: 0.5) == .seconds(10))
        #expect(backoff.delay(afterConsecutiveFailures: 1, random: 0) == .milliseconds(80))
        #expect(backoff.delay(afterConsecutiveFailures: 1, random: 1) == .milliseconds(120))
    }

    @Test func waitersTimeOutWithTheLastConnectErrorWhenEveryConnectFails() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2, acquireTimeout: .seconds(5)))
        var pending = sm.leaseRequested(1, now: poolTime(0)).created
        var now = 0.0
        var timedOut: [PoolStateMachine.FailureReason] = []
        // Drive the retry loop like an executor whose connects always fail.
        var timers: [PoolStateMachine.Timer: PoolStateMachine.Instant] = [.acquireTimeout(1): poolTime(5)]
        var steps = 0
        while timedOut.isEmpty && steps < 100 {
            steps += 1
            var actions: [PoolAction] = []
            if let id = pending.popLast() {
                now += 0.25
                actions = sm.connectFailed(id, error: "could not connect: attempt \(steps)", now: poolTime(now))
            } else {
                let (timer, when) = timers.min { $0.value < $1.value }!
                timers[timer] = nil
                now = max(now, when.sinceOrigin.poolSeconds)
                actions = sm.timerFired(timer, now: poolTime(now))
            }
            pending += actions.created
            for (timer, when) in actions.scheduled { timers[timer] = when }
            for timer in actions.cancelled { timers[timer] = nil }
            timedOut += actions.failures.map(\.reason)
            #expect(sm.invariantViolations() == [])
        }
        guard case .timeout(let lastError?) = timedOut.first else {
            Issue.record("expected a timeout carrying the connect error, got \(timedOut)")
            return
        }
        #expect(lastError.hasPrefix("could not connect"))
        #expect(now == 5)
        // Few attempts in 5 s thanks to the back-off (1 + 2 + 4 s), not a spin.
        #expect(sm.statistics.connectAttempts <= 4)
        #expect(sm.statistics.size == 0)
    }

    @Test func connectFailureForMinimumAloneRetriesOnlyWithBackgroundMaintenance() {
        var on = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 2))
        let a = on.start(now: poolTime(0)).created[0]
        #expect(on.connectFailed(a, error: "down", now: poolTime(0)).scheduled.map(\.timer) == [.connectRetry])
        #expect(on.timerFired(.connectRetry, now: poolTime(1)).created.count == 1)

        var off = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 2, backgroundMaintenance: false))
        let b = off.start(now: poolTime(0)).created[0]
        #expect(off.connectFailed(b, error: "down", now: poolTime(0)).isEmpty)
        // The next event after the back-off reopens the minimum.
        #expect(off.leaseRequested(1, now: poolTime(2)).created.count == 1)
    }

    @Test func connectionClosedWhileConnectingCountsAsFailure() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseRequested(1, now: poolTime(0)).created[0]
        _ = sm.connectionClosed(c, now: poolTime(0.1))
        #expect(sm.statistics.connectFailures == 1 && sm.statistics.size == 0)
        #expect(sm.invariantViolations() == [])
    }

    @Test func capacityCountsClosingConnections() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        let broken = sm.released(c, now: poolTime(1), state: .broken)
        #expect(broken.closed.map(\.reason) == [.broken])
        // While it is still closing, a new request cannot open a second backend.
        #expect(sm.leaseRequested(2, now: poolTime(1)).created.isEmpty)
        // Once the close completes, the waiter's connection is opened.
        #expect(sm.connectionClosed(c, now: poolTime(1.1)).created.count == 1)
        #expect(sm.invariantViolations() == [])
    }
}
