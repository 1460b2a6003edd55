import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

@Suite("Pool state machine: lifetime, idle trimming, leak detection")
struct PoolStateMachineMaintenanceTests {
    @Test func jitteredLifetimeOnlyShortens() {
        let config = PoolConfiguration(maxLifetime: .seconds(1000), lifetimeJitter: 0.1)
        #expect(config.jitteredLifetime(random: 0) == .seconds(1000))
        #expect(config.jitteredLifetime(random: 0.5) == .seconds(950))
        #expect(config.jitteredLifetime(random: 1) == .seconds(900))
        #expect(PoolConfiguration(maxLifetime: nil).jitteredLifetime(random: 0.3) == nil)
    }

    @Test func expiredIdleConnectionIsClosedByItsTimerAndReplacedForMinimum() {
        let config = plainPoolConfiguration(min: 1, max: 2, maxLifetime: .seconds(100))
        var sm = PoolSM(configuration: config)
        let c = sm.start(now: poolTime(0)).created[0]
        let lifetime = PoolConfiguration(maxLifetime: .seconds(100), lifetimeJitter: 0.1).jitteredLifetime(random: 0.5)
        let opened = sm.connectSucceeded(c, now: poolTime(0), lifetime: lifetime)
        #expect(opened.scheduled.map(\.timer) == [.lifetimeExpiry(c)])
        #expect(opened.scheduled.map(\.at) == [poolTime(95)])
        // Early firing does nothing but reschedule.
        #expect(sm.timerFired(.lifetimeExpiry(c), now: poolTime(90)) == [.scheduleTimer(.lifetimeExpiry(c), at: poolTime(95))])
        let expired = sm.timerFired(.lifetimeExpiry(c), now: poolTime(95))
        #expect(expired.closed.map(\.reason) == [.lifetimeExpired])
        #expect(expired.created.count == 1, "minimum kept warm")
        #expect(sm.statistics.expired == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func expiredLeasedConnectionIsClosedOnReturnNotReset() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, maxLifetime: .seconds(100)))
        let c = sm.leaseFresh(1, now: poolTime(0), lifetime: .seconds(100))
        #expect(sm.timerFired(.lifetimeExpiry(c), now: poolTime(100)).closed.isEmpty)
        let back = sm.released(c, now: poolTime(101), state: .needsReset)
        #expect(back.closed.map(\.reason) == [.lifetimeExpired] && back.resets.isEmpty)
    }

    @Test func expiredIdleConnectionFoundAtLeaseIsReplacedNotHandedOut() {
        // Background maintenance off: no lifetime timer, expiry is noticed at lease.
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 2, maxLifetime: .seconds(100), backgroundMaintenance: false))
        let c = sm.leaseFresh(1, now: poolTime(0), lifetime: .seconds(100))
        #expect(sm.released(c, now: poolTime(1), state: .idle) == [])
        let lease = sm.leaseRequested(2, now: poolTime(150))
        #expect(lease.closed.map(\.reason) == [.lifetimeExpired])
        #expect(lease.leases.isEmpty && lease.created.count == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func idleTrimmingAboveMinimumWithBackgroundMaintenance() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 1, max: 3, maxIdleTime: .seconds(60)))
        let warm = sm.start(now: poolTime(0)).created[0]
        let opened = sm.connectSucceeded(warm, now: poolTime(0), lifetime: nil)
        #expect(opened.scheduled.map(\.timer) == [.idleCheck] && opened.scheduled.map(\.at) == [poolTime(60)])
        // A burst: three connections in use.
        #expect(sm.leaseRequested(1, now: poolTime(0)).leases.map(\.connection) == [warm])
        let b = sm.leaseFresh(2, now: poolTime(0))
        let c = sm.leaseFresh(3, now: poolTime(0))
        #expect(sm.released(b, now: poolTime(10), state: .idle).scheduled.isEmpty, "one pool-wide idle timer")
        #expect(sm.released(c, now: poolTime(20), state: .idle).scheduled.isEmpty)
        _ = sm.released(warm, now: poolTime(30), state: .idle)
        // The timer set for warm finds nothing due and moves on to b (idle since 10 s).
        #expect(sm.timerFired(.idleCheck, now: poolTime(60)) == [.scheduleTimer(.idleCheck, at: poolTime(70))])

        // At 70 s b is due: closed; the timer moves on to c (due at 80 s).
        let check = sm.timerFired(.idleCheck, now: poolTime(70))
        #expect(check.closed.map(\.connection) == [b])
        #expect(check.scheduled.map(\.at) == [poolTime(80)])
        // At 90 s c and warm are both due but warm is the minimum.
        let next = sm.timerFired(.idleCheck, now: poolTime(90))
        #expect(next.closed.map(\.connection) == [c])
        #expect(next.scheduled.isEmpty, "nothing left that is not kept for the minimum")
        #expect(sm.statistics.idleTrimmed == 2)
        #expect(sm.invariantViolations() == [])
    }

    @Test func idleTrimmingWithoutBackgroundMaintenanceHappensOnLeaseAndRelease() {
        var sm = PoolSM(configuration: plainPoolConfiguration(min: 0, max: 3, maxIdleTime: .seconds(60), backgroundMaintenance: false))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let b = sm.leaseFresh(2, now: poolTime(0))
        let c = sm.leaseFresh(3, now: poolTime(0))
        #expect(sm.released(a, now: poolTime(10), state: .idle) == [], "no timers at all")
        #expect(sm.released(b, now: poolTime(20), state: .idle) == [])
        // Release at 75 s: a (idle since 10 s) is trimmed by the release event itself.
        let release = sm.released(c, now: poolTime(75), state: .idle)
        #expect(release.closed.map(\.connection) == [a])
        // A lease at 200 s takes c (most recently used) and trims b, idle too long.
        let lease = sm.leaseRequested(4, now: poolTime(200))
        #expect(lease.leases.map(\.connection) == [c])
        #expect(lease.closed.map(\.connection) == [b])
        #expect(lease.created.isEmpty)
        #expect(sm.statistics.idleTrimmed == 2)
        #expect(sm.invariantViolations() == [])
    }

    @Test func lifoReuseLetsColdConnectionsAgeOutUnderSteadyLoad() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 3, maxIdleTime: .seconds(60)))
        let a = sm.leaseFresh(1, now: poolTime(0))
        let b = sm.leaseFresh(2, now: poolTime(0))
        _ = sm.released(a, now: poolTime(1), state: .idle)
        _ = sm.released(b, now: poolTime(2), state: .idle)
        // One caller at a time, every second: always served by b, so a ages out.
        var request = 3
        var closed: [Int] = []
        for second in 3...80 {
            let lease = sm.leaseRequested(request, now: poolTime(Double(second)))
            #expect(lease.leases.map(\.connection) == [b])
            closed += sm.released(b, now: poolTime(Double(second) + 0.5), state: .idle).closed.map(\.connection)
            closed += sm.timerFired(.idleCheck, now: poolTime(Double(second) + 0.6)).closed.map(\.connection)
            request += 1
        }
        #expect(closed == [a])
        #expect(sm.invariantViolations() == [])
    }

    @Test func leakWarningNamesTheLeaseOnceAfterTheThreshold() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1, leakDetectionThreshold: .seconds(30)))
        let first = sm.leaseRequested(7, now: poolTime(0))
        let c = first.created[0]
        let leased = sm.connectSucceeded(c, now: poolTime(1), lifetime: nil)
        #expect(leased.scheduled.map(\.timer).contains(.leakDetection(7)))
        #expect(leased.scheduled.first { $0.timer == .leakDetection(7) }?.at == poolTime(31))
        #expect(sm.timerFired(.leakDetection(7), now: poolTime(31)) == [.leakWarning(c, lessee: 7, heldFor: .seconds(30))])
        #expect(sm.statistics.leakWarnings == 1)
        // Released: the timer is cancelled; a stale firing warns about nothing.
        #expect(sm.released(c, now: poolTime(40), state: .idle).cancelled == [.leakDetection(7)])
        #expect(sm.timerFired(.leakDetection(7), now: poolTime(60)) == [])
        #expect(sm.statistics.leakWarnings == 1)
    }
}
