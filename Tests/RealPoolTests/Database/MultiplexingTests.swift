import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// Pipelined multiplexing (`pipelineDepth` > 1) against the real server: many callers' autocommit
/// statements in flight on one connection, each its own implicit transaction.
///
/// A "gate" makes the pile-up deterministic: a separate connection holds an exclusive lock on a
/// table, the first multiplexed statement reads that table and blocks, and every statement sent
/// behind it on the same connection waits in the pipeline until the gate opens.
@Suite("Multiplexing")
struct MultiplexingTests {
    struct Gate {
        let table: String
        let holder: Connection

        static func closed(_ db: Database) async throws -> Gate {
            let table = TestServer.uniqueName("gate")
            try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(table) (id int)"))
            let holder = try await TestServer.connect()
            _ = try await holder.simpleQuery("BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE")
            return Gate(table: table, holder: holder)
        }

        /// A statement that blocks on the gate, run as a multiplexed execute.
        func blocker(_ db: Database, on executor: (any TaskExecutor)? = nil) -> Task<Int, any Error> {
            Task(executorPreference: executor) {
                try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)"))[0].decode(Int.self, column: 0)
            }
        }

        func open() async throws { _ = try await holder.simpleQuery("COMMIT") }

        func drop(_ db: Database) async throws {
            holder.close()
            try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(table)"))
        }
    }

    static func database(depth: Int = 64, _ adjust: (inout DatabaseConfiguration) -> Void = { _ in }) throws -> Database {
        try TestServer.database(maxConnections: 1) {
            $0.pipelineDepth = depth
            adjust(&$0)
        }
    }

    /// Closes a gate and starts the statement that blocks on it; returns once that statement is in
    /// flight, so that everything sent next queues behind it.
    static func blockedBehindTheGate(_ db: Database) async throws -> (Gate, Task<Int, any Error>) {
        let gate = try await Gate.closed(db)
        let blocked = gate.blocker(db)
        try await waitForInFlight(db, 1)
        return (gate, blocked)
    }

    /// Terminates the backend of the statement that waits on the gate: the multiplexed connection.
    /// Looked up until found: the holder's transaction caches what it read of `pg_stat_activity`,
    /// so each attempt clears that snapshot first (a row read mid-update once came back with a
    /// NULL pid).
    static func killTheBackendBehind(_ gate: Gate) async throws {
        var pid: Int32?
        try await TestServer.waitUntil("the gated statement waits for its lock") {
            _ = try await gate.holder.query("SELECT pg_stat_clear_snapshot()")
            let rows = try await gate.holder.query(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid IS NOT NULL AND query LIKE $1",
                ["%\(gate.table)%"])
            pid = try rows.first?.decode(Int32.self, column: 0)
            return pid != nil
        }
        _ = try await gate.holder.query("SELECT pg_terminate_backend($1)", [pid!])
    }

    /// Expects the blocked statement and every caller to fail with `connectionLost`.
    static func expectAllLost<T: Sendable>(_ blocked: Task<Int, any Error>, _ callers: [Task<T, any Error>]) async {
        for task in [Task { _ = try await blocked.value }] + callers.map({ c in Task { _ = try await c.value } }) {
            let e = await #expect(throws: PostgresError.self) { try await task.value }
            #expect(e?.kind == .connectionLost)
        }
    }

    static func inFlight(_ db: Database) -> Int {
        db.pool.snapshot().compactMap(\.resource).reduce(0) { $0 + $1.multiplexer.requestsInFlight }
    }

    /// Waits until `count` statements are in flight on the connection (sent, not yet read).
    static func waitForInFlight(_ db: Database, _ count: Int) async throws {
        try await TestServer.waitUntil("\(count) statements in flight") { inFlight(db) == count }
    }

    @Test func manyCallersShareOneConnectionAndEachGetsItsOwnResult() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let callers = (1...40).map { i in
            Task { try await db.execute("SELECT \(i)::int AS n, pg_backend_pid() AS pid") }
        }
        try await Self.waitForInFlight(db, 41)
        try await gate.open()
        #expect(try await blocked.value == 0)
        var pids = Set<Int32>()
        for (i, caller) in callers.enumerated() {
            let row = try await caller.value[0]
            #expect(try row.decode(Int.self, column: "n") == i + 1)
            pids.insert(try row.decode(Int32.self, column: "pid"))
        }
        #expect(pids.count == 1)
        let stats = db.statistics
        #expect(stats.size == 1)
        #expect(stats.sharedJoins == 40)
        #expect(stats.maxLesseesOnOneConnection == 41)
        #expect(stats.leased == 0 && stats.releases == stats.acquires)
        // each shared statement is one request, one round trip, counted in the totals and in the
        // connection's own cache (the gate's CREATE TABLE makes 42)
        #expect(stats.roundTrips == 42 && stats.plainExecutions == 42, "\(stats.statements)")
        #expect(db.pool.snapshot().compactMap(\.resource).map(\.statements.statistics.roundTrips) == [42])
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aFailingStatementNeverFailsItsNeighbours() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let callers = (1...30).map { i in
            Task { () -> Result<Int, PostgresError> in
                do {
                    // every third divides by zero
                    let divisor = i % 3 == 0 ? 0 : 1
                    return .success(try await db.execute("SELECT \(i)::int / \(divisor)::int")[0].decode(Int.self, column: 0))
                } catch {
                    return .failure(error as? PostgresError ?? PostgresError(.misuse, "\(error)"))
                }
            }
        }
        try await Self.waitForInFlight(db, 31)
        try await gate.open()
        _ = try await blocked.value
        for (index, caller) in callers.enumerated() {
            let i = index + 1
            switch await caller.value {
            case .success(let n): #expect(i % 3 != 0 && n == i)
            case .failure(let e): #expect(i % 3 == 0 && e.sqlState == "22012", "\(i): \(e)")
            }
        }
        #expect(db.statistics.connectionsLost == 0 && db.statistics.size == 1)
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func writesOfNeighboursCommitIndependently() async throws {
        let db = try Self.database()
        let t = TestServer.uniqueName("mux_writes")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY)"))
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        // ids 1...20, with 5 duplicates of earlier ids that must fail alone
        let ids = Array(1...20) + [2, 4, 6, 8, 10]
        let callers = ids.map { id in
            Task { () -> Bool in
                do { try await db.execute("INSERT INTO \(unsafeRaw: t) VALUES (\(id))"); return true } catch { return false }
            }
        }
        try await Self.waitForInFlight(db, 1 + ids.count)
        try await gate.open()
        _ = try await blocked.value
        var succeeded = 0
        for caller in callers where await caller.value { succeeded += 1 }
        #expect(succeeded == 20)
        let rows = try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*)::int, sum(id)::int FROM \(t)"))[0]
        #expect(try rows.decode(Int.self, column: 0) == 20 && rows.decode(Int.self, column: 1) == 210)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aCancelledCallersResultIsReadAndDroppedNeverHandedToAnother() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let callers = (1...20).map { i in Task { try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) } }
        try await Self.waitForInFlight(db, 21)
        for (index, caller) in callers.enumerated() where index % 2 == 0 { caller.cancel() }
        // cancelled callers return at once, although their statements are still queued
        for (index, caller) in callers.enumerated() where index % 2 == 0 {
            await #expect(throws: CancellationError.self) { try await caller.value }
        }
        #expect(Self.inFlight(db) == 21)
        #expect(db.statistics.leased == 1)  // their leases wait for their results
        try await gate.open()
        _ = try await blocked.value
        for (index, caller) in callers.enumerated() where index % 2 == 1 {
            #expect(try await caller.value == index + 1)
        }
        try await TestServer.waitUntil("the dropped results are read and the leases returned") { db.statistics.leased == 0 }
        #expect(Self.inFlight(db) == 0)
        // the connection is in step: the next statement gets its own result, not a dropped one
        #expect(try await db.execute("SELECT \(777)::int")[0].decode(Int.self, column: 0) == 777)
        #expect(db.statistics.acquires == db.statistics.releases)
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aPreparePipelinedByOneCallerIsUsedByTheNext() async throws {
        let db = try Self.database()
        let target = try db.addPrepareTarget("SELECT $1::int + 1 AS next")
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        // every caller runs the shape for the first time on this connection, all before any
        // result is read: one Parse, the others bind to it
        let callers = (1...25).map { i in Task { try await db.execute("SELECT \(i)::int + 1 AS next")[0].decode(Int.self, column: 0) } }
        try await Self.waitForInFlight(db, 26)
        try await gate.open()
        _ = try await blocked.value
        for (index, caller) in callers.enumerated() { #expect(try await caller.value == index + 2) }
        let stats = db.statistics
        #expect(stats.misses == 1)
        #expect(stats.hits == 24)
        #expect(stats.repreparesNameExists == 0 && stats.repreparesMissing == 0)
        let prepared = try await db.execute("SELECT count(*)::int FROM pg_prepared_statements WHERE name = \(target.name)")
        #expect(try prepared[0].decode(Int.self, column: 0) == 1)
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aFailedPrepareHealsTheCallersThatBoundToIt() async throws {
        let db = try Self.database()
        let t = TestServer.uniqueName("mux_late")
        // the target reads a table that does not exist yet: its Parse fails
        try db.addPrepareTarget("SELECT count(*)::int FROM \(t) WHERE id > $1")
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let callers = (1...10).map { i in
            Task { () -> String? in
                do { _ = try await db.execute("SELECT count(*)::int FROM \(unsafeRaw: t) WHERE id > \(i)"); return nil } catch { return (error as? PostgresError)?.sqlState ?? "\(error)" }
            }
        }
        try await Self.waitForInFlight(db, 11)
        try await gate.open()
        _ = try await blocked.value
        // every caller sees exactly the plain statement's error: the table does not exist
        for caller in callers { let v = await caller.value; #expect(v == "42P01", "\(v ?? "nil")") }
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        try await db.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) SELECT generate_series(1, 10)"))
        #expect(try await db.execute("SELECT count(*)::int FROM \(unsafeRaw: t) WHERE id > \(4)")[0].decode(Int.self, column: 0) == 6)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aLostConnectionFailsEveryStatementInFlightAndIsReplaced() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let callers = (1...15).map { i in Task { try await db.execute("SELECT \(i)::int") } }
        try await Self.waitForInFlight(db, 16)
        try await Self.killTheBackendBehind(gate)
        await Self.expectAllLost(blocked, callers)
        try await TestServer.waitUntil("the leases are back") { db.statistics.leased == 0 }
        #expect(db.statistics.connectionsLost == 1)
        try await gate.open()
        #expect(try await db.execute("SELECT \(5)::int")[0].decode(Int.self, column: 0) == 5)
        try await gate.drop(db)
        await db.shutdown()
    }

    /// The connection closed by another thread while the reader waits for results (here the
    /// pool's close; in production also a caller's libpq call that finds the connection dead and
    /// closes its socket): the reader must end, and no watch may linger under a descriptor number
    /// the next connection reuses.
    @Test func aReaderWaitingWhenTheConnectionIsClosedEnds() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let callers = (1...5).map { i in Task { try await db.execute("SELECT \(i)::int") } }
        try await Self.waitForInFlight(db, 6)
        let pooled = try #require(db.pool.snapshot().compactMap(\.resource).first)
        #expect(pooled.multiplexer.isReading)
        pooled.close()
        await Self.expectAllLost(blocked, callers)
        try await TestServer.waitUntil("the reader ends") { !pooled.multiplexer.isReading }
        try await TestServer.waitUntil("the leases are back") { db.statistics.leased == 0 }
        // a new connection (likely on the same descriptor number) waits on its socket as usual
        #expect(try await db.execute("SELECT \(5)::int")[0].decode(Int.self, column: 0) == 5)
        try await gate.open()
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aTransactionWaitsForTheSharedStatementsAndHasTheConnectionAlone() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        let order = Locked<[String]>([])
        let transaction = Task {
            try await db.transaction { tx in
                order.withLock { $0.append("transaction") }
                // alone on the connection: nothing else in flight
                #expect(Self.inFlight(db) == 0)
                try await tx.execute("SELECT 1")
            }
        }
        try await TestServer.waitUntil("the transaction waits") { db.statistics.waiting == 1 }
        // a shared statement after it does not overtake it
        let late = Task {
            _ = try await db.execute("SELECT \(2)::int")
            order.withLock { $0.append("late") }
        }
        try await TestServer.waitUntil("both wait") { db.statistics.waiting == 2 }
        #expect(Self.inFlight(db) == 1)
        try await gate.open()
        _ = try await blocked.value
        try await transaction.value
        try await late.value
        #expect(order.withLock { $0 } == ["transaction", "late"])
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func aDeadlineEndsTheWaitAndTheResultIsDroppedWhenItComes() async throws {
        let db = try Self.database { $0.statementDeadline = .milliseconds(200) }
        let gate = try await Gate.closed(db)
        let blocked = gate.blocker(db)
        let e = await #expect(throws: PostgresError.self) { try await blocked.value }
        #expect(e?.kind == .timeout)
        // still queued on the server: the lease waits for its result
        #expect(Self.inFlight(db) == 1 && db.statistics.leased == 1)
        try await gate.open()
        try await TestServer.waitUntil("the late result is read and dropped") { db.statistics.leased == 0 }
        #expect(try await db.execute("SELECT \(9)::int")[0].decode(Int.self, column: 0) == 9)
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func statementsThatNeedTheConnectionAloneAreNeverMultiplexed() async throws {
        let db = try Self.database()
        let (gate, blocked) = try await Self.blockedBehindTheGate(db)
        // utility and multi-statement SQL wait for a connection of their own
        let utility = Task { try await db.execute("EXPLAIN SELECT 1") }
        let multi = Task { try await db.execute(SQLQuery(unsafeSQL: "SELECT 1; SELECT 2")) }
        // so does a statement with megabytes of parameters, which would hold up the pipe
        let payload = String(repeating: "x", count: 2 << 20)
        let big = Task { try await db.execute("SELECT length(\(payload))")[0].decode(Int.self, column: 0) }
        try await TestServer.waitUntil("all three wait") { db.statistics.waiting == 3 }
        #expect(Self.inFlight(db) == 1)
        try await gate.open()
        _ = try await blocked.value
        #expect(try await !utility.value.isEmpty)
        _ = try await multi.value
        #expect(try await big.value == 2 << 20)
        #expect(db.statistics.sharedJoins == 0)
        try await gate.drop(db)
        await db.shutdown()
    }
}
