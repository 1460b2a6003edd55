import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

@Suite("Pool state machine: leasing")
struct PoolStateMachineLeasingTests {
    @Test func firstLeaseOpensAConnectionLazilyAndServesTheRequest() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 0, max: 2))
        #expect(sm.start(now: poolTime(0)).isEmpty)
        let actions = sm.leaseRequested(1, now: poolTime(0))
        #expect(actions.created == [0])
        #expect(actions.scheduled.map(\.timer) == [.acquireTimeout(1)])
        #expect(sm.statistics.connecting == 1 && sm.statistics.waiting == 1)

        let served = sm.connectSucceeded(0, now: poolTime(0.1), lifetime: nil)
        #expect(served == [.leaseConnection(0, to: 1), .cancelTimer(.acquireTimeout(1))])
        #expect(sm.statistics.leased == 1 && sm.statistics.waiting == 0 && sm.statistics.acquires == 1)
        #expect(sm.statistics.waitTimeTotalMicroseconds == 100_000)
        #expect(sm.invariantViolations() == [])
    }

    @Test func opensLazilyOnePerUncoveredWaiterUpToMax() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 3))
        #expect(sm.leaseRequested(1, now: poolTime(0)).created == [0])
        #expect(sm.leaseRequested(2, now: poolTime(0)).created == [1])
        #expect(sm.leaseRequested(3, now: poolTime(0)).created == [2])
        // At max: the fourth waits for a connection to come back.
        #expect(sm.leaseRequested(4, now: poolTime(0)).created == [])
        #expect(sm.statistics.size == 3 && sm.statistics.waiting == 4)
        #expect(sm.invariantViolations() == [])
    }

    @Test func waitersAreServedFirstComeFirstServed() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        for r in 2...6 { _ = sm.leaseRequested(r, now: poolTime(Double(r))) }
        var order: [Int] = []
        for step in 0..<5 {
            let actions = sm.released(c, now: poolTime(10 + Double(step)), state: .idle)
            order += actions.leases.map(\.request)
        }
        #expect(order == [2, 3, 4, 5, 6])
        #expect(sm.invariantViolations() == [])
    }

    @Test func idleConnectionsAreReusedLastInFirstOut() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 3))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let b = sm.leaseFresh(2, now: poolTime(0))
        let c = sm.leaseFresh(3, now: poolTime(0))
        _ = sm.released(b, now: poolTime(1), state: .idle)
        _ = sm.released(a, now: poolTime(2), state: .idle)
        _ = sm.released(c, now: poolTime(3), state: .idle)
        #expect(sm.leaseRequested(4, now: poolTime(4)).leases.map(\.connection) == [c])
        #expect(sm.leaseRequested(5, now: poolTime(4)).leases.map(\.connection) == [a])
        #expect(sm.leaseRequested(6, now: poolTime(4)).leases.map(\.connection) == [b])
    }

    @Test func immediateLeaseCostsNoTimerTraffic() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.released(c, now: poolTime(1), state: .idle)
        #expect(sm.leaseRequested(2, now: poolTime(2)) == [.leaseConnection(c, to: 2)])
        #expect(sm.released(c, now: poolTime(3), state: .idle) == [])
    }

    @Test func acquireTimeoutFailsTheWaiterWithoutTouchingOthers() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, acquireTimeout: .seconds(5)))
        let c = sm.leaseFresh(1, now: poolTime(0))
        let waiting = sm.leaseRequested(2, now: poolTime(1))
        #expect(waiting.scheduled.map(\.at) == [poolTime(6)])
        _ = sm.leaseRequested(3, now: poolTime(2))
        // Early firing: rescheduled, nothing failed.
        #expect(sm.timerFired(.acquireTimeout(2), now: poolTime(5)) == [.scheduleTimer(.acquireTimeout(2), at: poolTime(6))])
        let fired = sm.timerFired(.acquireTimeout(2), now: poolTime(6))
        #expect(fired == [.failRequest(2, .timeout(lastConnectError: nil))])
        #expect(sm.statistics.timeouts == 1 && sm.statistics.waiting == 1)
        // The next waiter is still served in order; a stale timer for the failed one does nothing.
        #expect(sm.released(c, now: poolTime(7), state: .idle).leases.map(\.request) == [3])
        #expect(sm.timerFired(.acquireTimeout(2), now: poolTime(8)) == [])
        #expect(sm.invariantViolations() == [])
    }

    @Test func zeroAcquireTimeoutFailsAtOnceWhenNothingIsIdle() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 1, acquireTimeout: .zero))
        let c = sm.start(now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(c, now: poolTime(0), lifetime: nil)
        #expect(sm.leaseRequested(1, now: poolTime(1)) == [.leaseConnection(c, to: 1)])
        // Nothing idle and no time to wait: fails at once, and no connection is opened for it.
        #expect(sm.leaseRequested(2, now: poolTime(1)) == [.failRequest(2, .timeout(lastConnectError: nil))])
        #expect(sm.statistics.timeouts == 1 && sm.statistics.connecting == 0)
        #expect(sm.invariantViolations() == [])
    }

    @Test func maxWaitersRejectsAtOnceWithADistinctReason() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, maxWaiters: 2))
        _ = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.leaseRequested(2, now: poolTime(0))
        _ = sm.leaseRequested(3, now: poolTime(0))
        let rejected = sm.leaseRequested(4, now: poolTime(0))
        #expect(rejected == [.failRequest(4, .tooManyWaiters)])
        #expect(sm.statistics.rejectedTooManyWaiters == 1 && sm.statistics.waiting == 2)
        #expect(sm.invariantViolations() == [])
    }

    @Test func maxWaitersZeroStillServesFromIdle() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, maxWaiters: 0))
        // No idle connection and nobody may wait: rejected, but the connection is not opened for it.
        #expect(sm.leaseRequested(1, now: poolTime(0)) == [.failRequest(1, .tooManyWaiters)])
        var warm = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 1, maxWaiters: 0))
        let c = warm.start(now: poolTime(0)).created[0]
        _ = warm.connectSucceeded(c, now: poolTime(0), lifetime: nil)
        #expect(warm.leaseRequested(1, now: poolTime(1)) == [.leaseConnection(c, to: 1)])
    }

    @Test func cancelledWaiterLeavesTheQueueAndLeaksNothing() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.leaseRequested(2, now: poolTime(1))
        _ = sm.leaseRequested(3, now: poolTime(1))
        let cancelled = sm.requestCancelled(2, now: poolTime(2))
        #expect(cancelled == [.cancelTimer(.acquireTimeout(2)), .failRequest(2, .cancelled)])
        // Cancelling again, or after the request was answered, does nothing.
        #expect(sm.requestCancelled(2, now: poolTime(2)) == [])
        #expect(sm.released(c, now: poolTime(3), state: .idle).leases.map(\.request) == [3])
        // Race: request 3 was already handed the connection when its task was cancelled.
        #expect(sm.requestCancelled(3, now: poolTime(3)) == [])
        _ = sm.released(c, now: poolTime(4), state: .idle)
        let s = sm.statistics
        #expect(s.waiting == 0 && s.leased == 0 && s.idle == 1 && s.size == 1)
        #expect(s.cancelledWaiters == 1 && s.acquires == 2 && s.releases == 2)
        #expect(sm.invariantViolations() == [])
    }

    @Test func cancelledWaiterStillCausesNoExtraConnectionsBeyondNeed() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let opened = sm.leaseRequested(1, now: poolTime(0)).created
        _ = sm.requestCancelled(1, now: poolTime(0.5))
        // The connection opened for it becomes idle, ready for the next request.
        #expect(sm.connectSucceeded(opened[0], now: poolTime(1), lifetime: nil).leases.isEmpty)
        #expect(sm.statistics.idle == 1)
        #expect(sm.leaseRequested(2, now: poolTime(2)) == [.leaseConnection(opened[0], to: 2)])
    }
}
