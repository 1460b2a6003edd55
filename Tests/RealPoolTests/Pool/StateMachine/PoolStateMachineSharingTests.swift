import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// Shared leases (pipelined multiplexing): several shared lessees on one connection, never with an
/// exclusive one, spread over connections before they share.
@Suite("Pool state machine: shared leases")
struct PoolStateMachineSharingTests {
    func sharingMachine(max: Int, depth: Int) -> PoolSM {
        PoolSM(configuration: plainPoolConfiguration(max: max), sharedLesseesPerConnection: depth)
    }

    var joins: (PoolAction) -> (connection: Int, request: Int)? {
        { if case .joinConnection(let c, let r) = $0 { (c, r) } else { nil } }
    }

    @Test func sharedRequestsSpreadFirstThenJoinTheLeastBusyUpToTheDepth() {
        var sm = sharingMachine(max: 2, depth: 3)
        let a = sm.leaseRequested(1, shared: true, now: poolTime(0)).created[0]
        // below max a second shared request gets a connection of its own
        let b = sm.leaseRequested(2, shared: true, now: poolTime(0)).created[0]
        // at max already (b is being opened): request 2 joins a rather than wait for b's connect
        let first = sm.connectSucceeded(a, now: poolTime(0.1), lifetime: nil)
        #expect(first.leases.map(\.request) == [1] && first.compactMap(joins).map(\.request) == [2])
        // b comes up idle and the next request takes it alone
        _ = sm.connectSucceeded(b, now: poolTime(0.1), lifetime: nil)
        #expect(sm.leaseRequested(3, shared: true, now: poolTime(1)).leases.map(\.connection) == [b])
        var joined: [(connection: Int, request: Int)] = []
        for r in 4...6 { joined += sm.leaseRequested(r, shared: true, now: poolTime(1)).compactMap(joins) }
        #expect(joined.map(\.request) == [4, 5, 6])
        // alternating over the least busy connection
        #expect(Set(joined.map(\.connection)) == [a, b])
        #expect(sm.connections[a]!.lessees.count == 3 && sm.connections[b]!.lessees.count == 3)
        // both full: the next one waits, and joins as soon as a lessee returns
        #expect(sm.leaseRequested(7, shared: true, now: poolTime(2)).compactMap(joins).isEmpty)
        #expect(sm.statistics.waiting == 1)
        let served = sm.released(a, lessee: 1, now: poolTime(3), state: .idle)
        #expect(served.compactMap(joins).map(\.request) == [7])
        #expect(sm.statistics.sharedJoins == 5 && sm.statistics.maxLesseesOnOneConnection == 3)
        #expect(sm.invariantViolations() == [])
    }

    /// With several I/O threads, a shared request joins the connection last leased from its own
    /// thread before a less busy one, so a connection's callers and its reader share a thread.
    @Test func sharedRequestsJoinTheConnectionOfTheirThreadFirst() {
        var sm = sharingMachine(max: 2, depth: 3)
        let a = sm.leaseRequested(1, shared: true, affinity: 1, now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(a, now: poolTime(0), lifetime: nil)
        let b = sm.leaseRequested(2, shared: true, affinity: 2, now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(b, now: poolTime(0), lifetime: nil)
        #expect(sm.connections[a]!.affinity == 1 && sm.connections[b]!.affinity == 2)
        // thread 1's requests pile onto a (2, then 3 lessees) although b has only one
        #expect(sm.leaseRequested(3, shared: true, affinity: 1, now: poolTime(1)).compactMap(joins).map(\.connection) == [a])
        #expect(sm.leaseRequested(4, shared: true, affinity: 1, now: poolTime(1)).compactMap(joins).map(\.connection) == [a])
        // a is full: the next one of thread 1 joins b rather than wait
        #expect(sm.leaseRequested(5, shared: true, affinity: 1, now: poolTime(1)).compactMap(joins).map(\.connection) == [b])
        // without an affinity the least busy connection is taken, as before
        #expect(sm.leaseRequested(6, shared: true, now: poolTime(1)).compactMap(joins).map(\.connection) == [b])
        // joining never changes a connection's affinity
        #expect(sm.connections[a]!.affinity == 1 && sm.connections[b]!.affinity == 2)
        #expect(sm.invariantViolations() == [])
    }

    /// An idle connection last leased from the requester's thread is preferred to the most
    /// recently used one; a request from no I/O thread still takes the most recently used.
    @Test func anIdleConnectionOfTheRequestersThreadIsPreferred() {
        var sm = sharingMachine(max: 2, depth: 1)
        let a = sm.leaseRequested(1, affinity: 1, now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(a, now: poolTime(0), lifetime: nil)
        let b = sm.leaseRequested(2, affinity: 2, now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(b, now: poolTime(0), lifetime: nil)
        _ = sm.released(a, now: poolTime(1), state: .idle)
        _ = sm.released(b, now: poolTime(2), state: .idle)  // b is the most recently used
        #expect(sm.leaseRequested(3, affinity: 1, now: poolTime(3)).leases.map(\.connection) == [a])
        _ = sm.released(a, now: poolTime(4), state: .idle)  // now a is the most recently used
        #expect(sm.leaseRequested(4, affinity: 2, now: poolTime(5)).leases.map(\.connection) == [b])
        _ = sm.released(b, now: poolTime(6), state: .idle)
        #expect(sm.leaseRequested(5, now: poolTime(7)).leases.map(\.connection) == [b])
        // a thread no connection was leased from takes the most recently used
        _ = sm.released(b, now: poolTime(8), state: .idle)
        #expect(sm.leaseRequested(6, affinity: 3, now: poolTime(9)).leases.map(\.connection) == [b])
        #expect(sm.connections[b]!.affinity == 3)
        #expect(sm.invariantViolations() == [])
    }

    @Test func anExclusiveRequestAtTheHeadLetsSharedConnectionsDrain() {
        var sm = sharingMachine(max: 1, depth: 4)
        let id = sm.leaseRequested(1, shared: true, now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(id, now: poolTime(0), lifetime: nil)
        #expect(sm.leaseRequested(2, shared: true, now: poolTime(0)).compactMap(joins).count == 1)
        // an exclusive request waits; a shared one behind it must not overtake it
        #expect(sm.leaseRequested(3, now: poolTime(1)).leases.isEmpty)
        #expect(sm.leaseRequested(4, shared: true, now: poolTime(1)).compactMap(joins).isEmpty)
        #expect(sm.released(id, lessee: 1, now: poolTime(2), state: .idle).leases.isEmpty)
        // the last shared lessee returns: the exclusive request gets the connection alone
        let handed = sm.released(id, lessee: 2, now: poolTime(3), state: .idle)
        #expect(handed.leases.map(\.request) == [3])
        #expect(handed.compactMap(joins).isEmpty)
        #expect(sm.connections[id]!.lessees.count == 1)
        // and the shared one joins nothing until it comes back
        let after = sm.released(id, lessee: 3, now: poolTime(4), state: .idle)
        #expect(after.leases.map(\.request) == [4])
        #expect(sm.invariantViolations() == [])
    }

    @Test func aBrokenSharedConnectionTakesNoNewLesseeAndClosesWhenTheLastReturns() {
        var sm = sharingMachine(max: 1, depth: 4)
        let id = sm.leaseRequested(1, shared: true, now: poolTime(0)).created[0]
        _ = sm.connectSucceeded(id, now: poolTime(0), lifetime: nil)
        _ = sm.leaseRequested(2, shared: true, now: poolTime(0))
        #expect(sm.released(id, lessee: 1, now: poolTime(1), state: .broken).closed.isEmpty)
        // no joining a connection known to be broken
        #expect(sm.leaseRequested(3, shared: true, now: poolTime(1)).compactMap(joins).isEmpty)
        let closing = sm.released(id, lessee: 2, now: poolTime(2), state: .idle)
        #expect(closing.closed.map(\.connection) == [id])
        #expect(sm.statistics.connectionsLost == 1)
        #expect(sm.invariantViolations() == [])
    }

    @Test func foundBrokenAtLeaseUndoesOnlyTheCheckedLease() {
        var sm = sharingMachine(max: 1, depth: 4)
        let id = sm.leaseRequested(1, shared: true, now: poolTime(0)).created[0]
        // served by the connect; a second shared request joins before the first's socket check
        _ = sm.connectSucceeded(id, now: poolTime(0), lifetime: nil)
        _ = sm.leaseRequested(2, shared: true, now: poolTime(0))
        let actions = sm.connectionFoundBroken(id, request: 1, now: poolTime(0))
        #expect(actions.closed.isEmpty)
        #expect(sm.connections[id]!.lessees.map(\.waiter.id) == [2])
        #expect(sm.statistics.waiting == 1)
        // the joined lessee returns it; then it closes and request 1 gets a new connection
        let replaced = sm.released(id, lessee: 2, now: poolTime(1), state: .idle)
        #expect(replaced.closed.map(\.connection) == [id])
        #expect(sm.invariantViolations() == [])
    }
}
