import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

@Suite("Pool state machine: returns and health checks")
struct PoolStateMachineReturnTests {
    @Test func returnInsideTransactionIsResetThenReused() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.leaseRequested(2, now: poolTime(0.5))
        #expect(sm.released(c, now: poolTime(1), state: .needsReset) == [.resetConnection(c)])
        #expect(sm.statistics.resetting == 1)
        // The waiter gets it once the rollback is done, not before.
        let reset = sm.resetSucceeded(c, now: poolTime(1.1))
        #expect(reset.leases.map(\.request) == [2])
        #expect(sm.statistics.resets == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func failedResetClosesAndReplaces() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.leaseRequested(2, now: poolTime(0.5))
        _ = sm.released(c, now: poolTime(1), state: .needsReset)
        let failed = sm.resetFailed(c, now: poolTime(1.1))
        #expect(failed.closed.map(\.reason) == [.resetFailed])
        #expect(sm.statistics.resetFailures == 1)
        let replacement = sm.connectionClosed(c, now: poolTime(1.2)).created
        #expect(replacement.count == 1)
        #expect(sm.connectSucceeded(replacement[0], now: poolTime(1.3), lifetime: nil).leases.map(\.request) == [2])
        #expect(sm.invariantViolations() == [])
    }

    @Test func resettingConnectionCoversAWaiterSoNoExtraConnectIsOpened() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.released(c, now: poolTime(1), state: .needsReset)
        #expect(sm.leaseRequested(2, now: poolTime(1)).created.isEmpty)
    }

    @Test func brokenReturnIsClosedAndReplacedOnlyWhenNeeded() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let c = sm.leaseFresh(1, now: poolTime(0))
        let noDemand = sm.released(c, now: poolTime(1), state: .broken)
        #expect(noDemand == [.closeConnection(c, .broken)])
        _ = sm.connectionClosed(c, now: poolTime(1))

        let d = sm.leaseFresh(2, now: poolTime(2))
        _ = sm.leaseRequested(3, now: poolTime(2))  // opens a second connection for the waiter
        let withDemand = sm.released(d, now: poolTime(3), state: .broken)
        #expect(withDemand.closed.map(\.reason) == [.broken])
        #expect(withDemand.created.isEmpty, "the waiter is already covered by the connection being opened")
        #expect(sm.statistics.connectionsLost == 2)
        #expect(sm.invariantViolations() == [])
    }

    @Test func connectionFoundBrokenAtLeaseKeepsTheWaiterAtTheHead() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let b = sm.leaseFresh(2, now: poolTime(0))
        _ = sm.released(a, now: poolTime(1), state: .idle)
        _ = sm.released(b, now: poolTime(2), state: .idle)
        #expect(sm.leaseRequested(3, now: poolTime(3)) == [.leaseConnection(b, to: 3)])
        // The executor's socket check fails: the next idle connection serves request 3.
        let retry = sm.connectionFoundBroken(b, now: poolTime(3))
        #expect(retry.closed.map(\.reason) == [.brokenAtLease])
        #expect(retry.leases.map(\.connection) == [a] && retry.leases.map(\.request) == [3])
        #expect(sm.statistics.acquires == 3 && sm.statistics.brokenAtLease == 1)

        // Now nothing is idle: the next broken one sends request 3 back to the head, ahead of request 4.
        _ = sm.connectionClosed(b, now: poolTime(3))
        let opened = sm.leaseRequested(4, now: poolTime(3.5)).created
        #expect(opened.count == 1)
        let requeued = sm.connectionFoundBroken(a, now: poolTime(3.5))
        #expect(requeued.scheduled.map(\.timer) == [.acquireTimeout(3)])
        #expect(requeued.scheduled.map(\.at) == [poolTime(13)], "the original deadline is kept")
        #expect(sm.queue.orderedIDs == [3, 4])
        #expect(requeued.created.isEmpty, "at capacity: a is closing, one connection being opened")
        #expect(sm.connectSucceeded(opened[0], now: poolTime(4), lifetime: nil).leases.map(\.request) == [3])
        #expect(sm.connectionClosed(a, now: poolTime(4)).created.count == 1, "replacement for request 4")
        #expect(sm.invariantViolations() == [])
    }

    @Test func longIdleConnectionIsPingedBeforeItIsHandedOut() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, pingAfterIdle: .seconds(60)))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.released(c, now: poolTime(1), state: .idle)
        // Idle 30 s: no ping.
        #expect(sm.leaseRequested(2, now: poolTime(31)) == [.leaseConnection(c, to: 2)])
        _ = sm.released(c, now: poolTime(32), state: .idle)
        // Idle 60 s: pinged first; the request's timeout still applies.
        let checking = sm.leaseRequested(3, now: poolTime(92))
        #expect(checking == [.pingConnection(c), .scheduleTimer(.acquireTimeout(3), at: poolTime(102))])
        #expect(sm.statistics.checking == 1 && sm.statistics.pings == 1)
        #expect(sm.pingSucceeded(c, now: poolTime(92.01)) == [.leaseConnection(c, to: 3), .cancelTimer(.acquireTimeout(3))])
        #expect(sm.invariantViolations() == [])
    }

    @Test func failedPingClosesAndTheWaiterGetsAReplacement() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, pingAfterIdle: .seconds(60)))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.released(c, now: poolTime(1), state: .idle)
        _ = sm.leaseRequested(2, now: poolTime(100))
        let failed = sm.pingFailed(c, now: poolTime(100.1))
        #expect(failed.closed.map(\.reason) == [.pingFailed])
        #expect(sm.queue.orderedIDs == [2])
        let replacement = sm.connectionClosed(c, now: poolTime(100.2)).created[0]
        #expect(sm.connectSucceeded(replacement, now: poolTime(100.3), lifetime: nil).leases.map(\.request) == [2])
        #expect(sm.statistics.pingFailures == 1 && sm.statistics.connectionsLost == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func waiterCancelledDuringPingLeavesTheConnectionForTheNext() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, pingAfterIdle: .seconds(60)))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.released(c, now: poolTime(1), state: .idle)
        _ = sm.leaseRequested(2, now: poolTime(100))
        _ = sm.leaseRequested(3, now: poolTime(100))
        #expect(sm.requestCancelled(2, now: poolTime(100.05)).failures.map(\.reason) == [.cancelled])
        #expect(sm.pingSucceeded(c, now: poolTime(100.1)).leases.map(\.request) == [3])
        #expect(sm.invariantViolations() == [])
    }

    @Test func idleConnectionLostIsClosedAndLeasedOneClosedOnReturn() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let b = sm.leaseFresh(2, now: poolTime(0))
        _ = sm.released(a, now: poolTime(1), state: .idle)
        #expect(sm.connectionLost(a, now: poolTime(2)) == [.closeConnection(a, .lost)])
        #expect(sm.connectionLost(b, now: poolTime(2)) == [])
        // Returned as "idle" by a lessee that did not notice: still closed.
        #expect(sm.released(b, now: poolTime(3), state: .idle) == [.closeConnection(b, .broken)])
        #expect(sm.invariantViolations() == [])
    }

    @Test func connectionClosedUnderItsLesseeRevokesTheLease() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.connectionClosed(c, now: poolTime(1))
        #expect(sm.statistics.leasesRevoked == 1 && sm.statistics.size == 0)
        // The late release is ignored.
        #expect(sm.released(c, now: poolTime(2), state: .idle) == [])
        #expect(sm.invariantViolations() == [])
    }
}
