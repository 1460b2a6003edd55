import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

@Suite("Pool state machine: shutdown")
struct PoolStateMachineShutdownTests {
    @Test func shutdownWithNothingOutstandingCompletesOnceIdleConnectionsClose() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 2))
        let c = sm.start(now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(c, now: poolTime(0), lifetime: nil)
        let actions = sm.shutdown(now: poolTime(1), deadline: poolTime(11))
        #expect(actions.closed.map(\.reason) == [.shutdown])
        #expect(actions.cancelled == [.idleCheck] || actions.cancelled.isEmpty)
        #expect(actions.scheduled.map(\.timer) == [.shutdownDeadline])
        let done = sm.connectionClosed(c, now: poolTime(1.1))
        #expect(done == [.cancelTimer(.shutdownDeadline), .shutdownCompleted])
        #expect(sm.lifecycle == .shutDown && sm.statistics.size == 0)
        #expect(sm.invariantViolations() == [])
    }

    @Test func emptyPoolCompletesImmediately() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 0))
        #expect(sm.shutdown(now: poolTime(0), deadline: poolTime(10)) == [.shutdownCompleted])
        #expect(sm.leaseRequested(1, now: poolTime(1)) == [.failRequest(1, .shutdown)])
        #expect(sm.shutdown(now: poolTime(2), deadline: poolTime(10)) == [], "idempotent")
    }

    @Test func waitersFailAndLeasedConnectionsCloseAsTheyComeBack() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let b = sm.leaseFresh(2, now: poolTime(0))
        _ = sm.leaseRequested(3, now: poolTime(1))
        _ = sm.leaseRequested(4, now: poolTime(1))
        let actions = sm.shutdown(now: poolTime(2), deadline: poolTime(12))
        #expect(actions.failures.map(\.request) == [3, 4])
        #expect(actions.failures.allSatisfy { $0.reason == .shutdown })
        #expect(actions.cancelled == [.acquireTimeout(3), .acquireTimeout(4)])
        // New requests fail at once.
        #expect(sm.leaseRequested(5, now: poolTime(3)) == [.failRequest(5, .shutdown)])
        // Returned connections are closed, even ones that would need a reset.
        #expect(sm.released(a, now: poolTime(4), state: .idle) == [.closeConnection(a, .shutdown)])
        #expect(sm.released(b, now: poolTime(5), state: .needsReset) == [.closeConnection(b, .shutdown)])
        #expect(sm.connectionClosed(a, now: poolTime(5)).isEmpty)
        #expect(sm.connectionClosed(b, now: poolTime(6)) == [.cancelTimer(.shutdownDeadline), .shutdownCompleted])
        #expect(sm.statistics.failedShutdown == 3)
        #expect(sm.invariantViolations() == [])
    }

    @Test func deadlineForceClosesLeasedAndConnectingConnections() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let connecting = sm.leaseRequested(2, now: poolTime(0)).created[0]
        _ = sm.shutdown(now: poolTime(1), deadline: poolTime(11))
        // Nothing happens before the deadline (an early firing reschedules).
        #expect(sm.timerFired(.shutdownDeadline, now: poolTime(5)) == [.scheduleTimer(.shutdownDeadline, at: poolTime(11))])
        let forced = sm.timerFired(.shutdownDeadline, now: poolTime(11))
        #expect(Set(forced.closed.map(\.connection)) == [a, connecting])
        #expect(forced.closed.allSatisfy { $0.reason == .shutdownForced })
        // Late reports from the executor are ignored until the closes complete.
        #expect(sm.released(a, now: poolTime(11.5), state: .idle) == [])
        #expect(sm.connectSucceeded(connecting, now: poolTime(11.5), lifetime: nil) == [])
        #expect(sm.connectionClosed(a, now: poolTime(12)).isEmpty)
        #expect(sm.connectionClosed(connecting, now: poolTime(12)) == [.shutdownCompleted])
        #expect(sm.statistics.leasesRevoked == 1 && sm.statistics.connectsAborted == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func deadlineInThePastForcesAtOnce() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let actions = sm.shutdown(now: poolTime(1), deadline: poolTime(1))
        #expect(actions == [.closeConnection(a, .shutdownForced)])
        #expect(sm.connectionClosed(a, now: poolTime(1)) == [.shutdownCompleted])
    }

    @Test func connectFinishingDuringShutdownIsClosedAndFailedOneJustGoes() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2))
        let x = sm.leaseRequested(1, now: poolTime(0)).created[0]
        let y = sm.leaseRequested(2, now: poolTime(0)).created[0]
        _ = sm.shutdown(now: poolTime(1), deadline: poolTime(10))
        #expect(sm.connectSucceeded(x, now: poolTime(2), lifetime: nil) == [.closeConnection(x, .shutdown)])
        #expect(sm.connectFailed(y, error: "refused", now: poolTime(2)).isEmpty)
        #expect(sm.connectionClosed(x, now: poolTime(3)) == [.cancelTimer(.shutdownDeadline), .shutdownCompleted])
        #expect(sm.invariantViolations() == [])
    }

    @Test func checkingConnectionDuringShutdown() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, pingAfterIdle: .seconds(10)))
        let c = sm.leaseFresh(1, now: poolTime(0))
        _ = sm.released(c, now: poolTime(1), state: .idle)
        #expect(sm.leaseRequested(2, now: poolTime(20)).pings == [c])
        let actions = sm.shutdown(now: poolTime(21), deadline: poolTime(30))
        #expect(actions.failures.map(\.request) == [2])
        #expect(sm.pingSucceeded(c, now: poolTime(22)) == [.closeConnection(c, .shutdown)])
        #expect(sm.connectionClosed(c, now: poolTime(23)) == [.cancelTimer(.shutdownDeadline), .shutdownCompleted])
    }
}
