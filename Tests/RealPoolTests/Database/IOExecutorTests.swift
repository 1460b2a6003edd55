import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// `Database.ioExecutor`: tasks that prefer RealPool's I/O thread run their statements on it,
/// and nothing they wait for (a lease, a reply) blocks that thread.
@Suite("I/O executor")
struct IOExecutorTests {
    @Test func statementsTransactionsAndStreamsRunOnTheIOThread() async throws {
        let db = try TestServer.database(maxConnections: 1)
        let t = TestServer.uniqueName("io")
        try await withTaskExecutorPreference(Database.ioExecutor) {
            #expect(SocketPoller.shared.isCurrentThread)
            #expect(try await db.execute("SELECT $1::int + 1", 41)[0].decode(Int.self, column: 0) == 42)
            // resumed after the reply on the thread that read it
            #expect(SocketPoller.shared.isCurrentThread)
            try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
            try await db.transaction { tx in
                try await tx.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) SELECT generate_series(1, 3000)"))
                #expect(SocketPoller.shared.isCurrentThread)
            }
            var sum = 0
            for try await row in db.stream(SQLQuery(unsafeSQL: "SELECT id FROM \(t)"), batchSize: 500) {
                sum += try row.decode(Int.self, column: 0)
            }
            #expect(sum == 3000 * 3001 / 2)
            #expect(SocketPoller.shared.isCurrentThread)
            try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        }
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    @Test func theIOThreadKeepsRunningWhileItsTasksWaitForConnections() async throws {
        let db = try TestServer.database(maxConnections: 2)
        _ = try await db.execute("SELECT 1")
        let beats = Locked((outstanding: true, count: 0, offThread: 0))
        // the heartbeat runs on the I/O thread too: were a waiting lease or reply to block that
        // thread, it could not tick until the last query had finished
        let heartbeat = Task(executorPreference: Database.ioExecutor) {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(5))
                let onThread = SocketPoller.shared.isCurrentThread
                beats.withLock {
                    if $0.outstanding { $0.count += 1 }
                    if !onThread { $0.offThread += 1 }
                }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask(executorPreference: Database.ioExecutor) {
                    let r = try await db.execute("SELECT $1::int FROM pg_sleep(0.1)", i)
                    #expect(try r[0].decode(Int.self, column: 0) == i)
                }
            }
            for try await _ in group {}
        }
        let (count, offThread) = beats.withLock { b -> (Int, Int) in
            b.outstanding = false
            return (b.count, b.offThread)
        }
        heartbeat.cancel()
        #expect(count >= 10, "the I/O thread's heartbeat ticked only \(count) times while 50 queries waited on 2 connections")
        #expect(offThread == 0)
        #expect(db.statistics.leased == 0 && db.statistics.waiting == 0)
        await db.shutdown()
    }

    @Test func manyShortStatementsShareTwoConnectionsOnTheIOThread() async throws {
        for depth in TestServer.pipelineDepths {
            let db = try TestServer.database(maxConnections: 2, pipelineDepth: depth)
            let target = try db.addPrepareTarget("SELECT $1::int * 2")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask(executorPreference: Database.ioExecutor) { () async throws -> Void in
                        for j in 0..<5 {
                            let v = i * 10 + j
                            #expect(try await db.execute("SELECT $1::int * 2", v)[0].decode(Int.self, column: 0) == v * 2)
                        }
                    }
                }
                for try await _ in group {}
            }
            #expect(db.statistics.hits > 0, "\(target.name) was never run prepared")
            #expect(db.statistics.leased == 0)
            await db.shutdown()
        }
    }

    /// Multiplexed callers on the I/O thread: the reader reads there too (no task hop), so both
    /// the results and a lost connection must reach every caller from that thread.
    @Test func multiplexedCallersOnTheIOThreadGetTheirOwnResultsOrAllFailTogether() async throws {
        let db = try MultiplexingTests.database(depth: 64)
        let (gate, blocked) = try await MultiplexingTests.blockedBehindTheGate(db)
        let callers = (1...20).map { i in
            Task(executorPreference: Database.ioExecutor) { () async throws -> (Int, Bool) in
                let v = try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0)
                return (v, SocketPoller.shared.isCurrentThread)
            }
        }
        try await MultiplexingTests.waitForInFlight(db, 21)
        try await gate.open()
        #expect(try await blocked.value == 0)
        for (i, caller) in callers.enumerated() {
            let (v, onIOThread) = try await caller.value
            #expect(v == i + 1)
            #expect(onIOThread)
        }
        try await gate.drop(db)

        let (gate2, blocked2) = try await MultiplexingTests.blockedBehindTheGate(db)
        let doomed = (1...15).map { i in Task(executorPreference: Database.ioExecutor) { try await db.execute("SELECT \(i)::int") } }
        try await MultiplexingTests.waitForInFlight(db, 16)
        try await MultiplexingTests.killTheBackendBehind(gate2)
        await MultiplexingTests.expectAllLost(blocked2, doomed)
        try await TestServer.waitUntil("the leases are back") { db.statistics.leased == 0 }
        try await gate2.open()
        let after = try await withTaskExecutorPreference(Database.ioExecutor) { try await db.execute("SELECT 7")[0].decode(Int.self, column: 0) }
        #expect(after == 7)
        try await gate2.drop(db)
        await db.shutdown()
    }

    /// The reader of I/O-thread callers keeps its watch armed between batches: a deadline that
    /// passes meanwhile must still end the caller's wait, and the reader must go on serving.
    @Test func aDeadlineEndsAnIOThreadCallersWaitAndTheReaderGoesOn() async throws {
        let db = try MultiplexingTests.database { $0.statementDeadline = .milliseconds(300) }
        let gate = try await MultiplexingTests.Gate.closed(db)
        let blocked = gate.blocker(db, on: Database.ioExecutor)
        let e = await #expect(throws: PostgresError.self) { try await blocked.value }
        #expect(e?.kind == .timeout)
        #expect(MultiplexingTests.inFlight(db) == 1)
        try await gate.open()
        try await TestServer.waitUntil("the late result is read and dropped") { db.statistics.leased == 0 }
        let sum = try await withTaskExecutorPreference(Database.ioExecutor) {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 1...30 { group.addTask { try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) } }
                return try await group.reduce(0, +)
            }
        }
        #expect(sum == 465)
        try await gate.drop(db)
        await db.shutdown()
    }

    /// The I/O thread skips its deadline scans while no waiter has a deadline: its count of
    /// those must come back to zero after one expires and still see the next, with deadline-free
    /// statements on the same thread before, between and after. (Lost, a deadline never fires: the
    /// time limit turns that hang into a failure.)
    @Test(.timeLimit(.minutes(1))) func deadlinesStillEndWaitsAfterTheIOThreadHadNone() async throws {
        let free = try MultiplexingTests.database()
        let timed = try MultiplexingTests.database { $0.statementDeadline = .milliseconds(300) }
        func freeStatements() async throws -> Int {
            try await withTaskExecutorPreference(Database.ioExecutor) {
                var sum = 0
                for i in 1...20 { sum += try await free.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) }
                return sum
            }
        }
        #expect(try await freeStatements() == 210)
        for round in 1...2 {
            let gate = try await MultiplexingTests.Gate.closed(timed)
            let e = await #expect(throws: PostgresError.self, "round \(round)") { try await gate.blocker(timed, on: Database.ioExecutor).value }
            #expect(e?.kind == .timeout, "round \(round)")
            try await gate.open()
            try await TestServer.waitUntil("the late result is read and dropped") { timed.statistics.leased == 0 }
            try await gate.drop(timed)
            #expect(try await freeStatements() == 210, "round \(round)")
        }
        await free.shutdown()
        await timed.shutdown()
    }

    /// Callers on the I/O thread and on the global executor queued on one connection: the reader
    /// switches between reading in the poller's turn and reading in a task as they alternate, and
    /// every caller gets its own result.
    @Test func callersOnBothExecutorsShareOneReader() async throws {
        let db = try MultiplexingTests.database(depth: 64)
        let gate = try await MultiplexingTests.Gate.closed(db)
        let blocked = gate.blocker(db, on: Database.ioExecutor)
        try await MultiplexingTests.waitForInFlight(db, 1)
        var callers: [Task<Int, any Error>] = []
        for i in 1...20 {
            let executor: (any TaskExecutor)? = i.isMultiple(of: 2) ? Database.ioExecutor : nil
            callers.append(Task(executorPreference: executor) { try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) })
            // one at a time, so the latest caller (which decides where the reader reads) alternates
            try await MultiplexingTests.waitForInFlight(db, i + 1)
        }
        try await gate.open()
        #expect(try await blocked.value == 0)
        for (i, caller) in callers.enumerated() { #expect(try await caller.value == i + 1) }
        // and again, with the reader's watch now from the last burst
        for round in 1...3 {
            async let a = Task(executorPreference: Database.ioExecutor) { try await db.execute("SELECT \(round)::int")[0].decode(Int.self, column: 0) }.value
            async let b = Task { try await db.execute("SELECT \(round * 10)::int")[0].decode(Int.self, column: 0) }.value
            #expect(try await a + b == round * 11)
        }
        try await gate.drop(db)
        await db.shutdown()
    }

    @Test func cancelledTasksOnTheIOThreadLeakNothing() async throws {
        let db = try TestServer.database(maxConnections: 1)
        try await db.transaction { _ in
            // one waits for the connection, one for a reply that never comes on its own
            let waiter = Task(executorPreference: Database.ioExecutor) { try await db.execute("SELECT 1") }
            try await TestServer.waitUntil("the task waits") { db.statistics.waiting == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { _ = try await waiter.value }
            #expect(db.statistics.waiting == 0)
        }
        let sleeper = Task(executorPreference: Database.ioExecutor) { try await db.execute("SELECT pg_sleep(30)") }
        try await TestServer.waitUntil("the statement runs") { db.statistics.leased == 1 }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { _ = try await sleeper.value }
        try await TestServer.waitUntil("the connection is back") { db.statistics.leased == 0 && db.statistics.idle == 1 }
        #expect(try await db.execute("SELECT 2")[0].decode(Int.self, column: 0) == 2)
        await db.shutdown()
    }

    @Test func blockingCallsOnTheIOThreadAreRefused() async throws {
        let db = try TestServer.database(maxConnections: 1)
        await withTaskExecutorPreference(Database.ioExecutor) {
            let e = #expect(throws: UsageError.self) { try db.blocking.execute("SELECT 1") }
            #expect(e?.message.contains("I/O executor") == true)
            let t = #expect(throws: UsageError.self) { try db.blocking.transaction { _ in } }
            #expect(t?.message.contains("I/O executor") == true)
        }
        await withTaskExecutorPreference(Database.ioExecutors(2)[1]) {
            let e = #expect(throws: UsageError.self) { try db.blocking.execute("SELECT 1") }
            #expect(e?.message.contains("I/O executor") == true)
        }
        // nothing was leased by the refused calls, and the pool still serves
        #expect(db.statistics.leased == 0)
        #expect(try await db.execute("SELECT 1")[0].decode(Int.self, column: 0) == 1)
        await db.shutdown()
    }

    // MARK: several I/O threads

    @Test func theFirstOfSeveralIOThreadsIsTheIOExecutor() {
        let two = Database.ioExecutors(2).compactMap { $0 as? SocketPoller }
        let one = Database.ioExecutors(1).compactMap { $0 as? SocketPoller }
        let again = Database.ioExecutors(2).compactMap { $0 as? SocketPoller }
        let first = two.count == 2 && two[0] === SocketPoller.shared && one.count == 1 && one[0] === SocketPoller.shared
        let second = again.count == 2 && again[1] === two[1] && two[1] !== two[0]
        #expect(first)
        #expect(second)
    }

    /// Each task waits for its replies on its own I/O thread and is resumed there: with a
    /// connection of its own, and with a multiplexed connection whose reader runs on the other.
    @Test(arguments: [1, 16]) func tasksOnTwoIOThreadsAreResumedEachOnItsOwn(pipelineDepth: Int) async throws {
        let db = try TestServer.database(maxConnections: 2) { $0.pipelineDepth = pipelineDepth }
        let pollers = SocketPoller.pollers(2)
        let results = try await withThrowingTaskGroup(of: (Int, Int, Bool).self) { group in
            for i in 0..<40 {
                let poller = pollers[i % 2]
                group.addTask(executorPreference: poller) {
                    var onOwnThread = poller.isCurrentThread
                    var sum = 0
                    for k in 1...5 {
                        sum += try await db.execute("SELECT \(i * 10 + k)::int")[0].decode(Int.self, column: 0)
                        onOwnThread = onOwnThread && poller.isCurrentThread
                    }
                    return (i, sum, onOwnThread)
                }
            }
            return try await group.reduce(into: [(Int, Int, Bool)]()) { $0.append($1) }
        }
        #expect(results.count == 40)
        for (i, sum, onOwnThread) in results {
            #expect(sum == 5 * i * 10 + 15)
            #expect(onOwnThread)
        }
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    /// A multiplexed reader on the I/O thread that runs dry stays until the tasks it resumed have
    /// had their turn: statements those tasks send at once reuse it, rather than setting a reader
    /// up per burst (a `dup`, epoll registrations, entering pipeline mode). It ends when they stop.
    @Test func aReaderStaysWhileItsCallersKeepSending() async throws {
        let db = try MultiplexingTests.database(depth: 4)
        _ = try await db.execute("SELECT 1")
        let pooled = try #require(db.pool.snapshot().compactMap(\.resource).first)
        let before = pooled.multiplexer.readersStarted
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<2 {
                group.addTask(executorPreference: Database.ioExecutor) {
                    var sum = 0
                    for k in 1...50 { sum += try await db.execute("SELECT \(i * 100 + k)::int")[0].decode(Int.self, column: 0) }
                    return sum
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(sums.sorted() == [1275, 6275])
        let started = pooled.multiplexer.readersStarted - before
        #expect((1...5).contains(started), "readers started for 100 statements: \(started)")
        try await TestServer.waitUntil("the reader ends") { !pooled.multiplexer.isReading }
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    /// A task whose multiplexed statement was just read takes an exclusive lease (a transaction)
    /// in the same turn, while that statement's reader still lingers: the reader stops first, so
    /// the transaction finds the connection out of pipeline mode and its socket unwatched.
    @Test func aTransactionRightAfterAMultiplexedStatementStopsTheLingeringReader() async throws {
        let db = try MultiplexingTests.database(depth: 4)
        let lingered = try await withTaskExecutorPreference(Database.ioExecutor) { () async throws -> Int in
            var lingered = 0
            for i in 1...20 {
                #expect(try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) == i)
                let pooled = try #require(db.pool.snapshot().compactMap(\.resource).first)
                if pooled.multiplexer.isReading { lingered += 1 }
                let n = try await db.transaction { tx in try await tx.execute("SELECT \(i)::int + 1")[0].decode(Int.self, column: 0) }
                #expect(n == i + 1)
                #expect(!pooled.multiplexer.isReading)
            }
            return lingered
        }
        // every statement's reader was still there when the transaction asked for the connection
        #expect(lingered == 20)
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    /// The pool pings a connection idle past `pingAfterIdle` before handing it out; with a zero
    /// interval every lease of the multiplexed connection pings it, often while its reader still
    /// lingers from the statement before. The ping stops that reader first and succeeds.
    @Test func pingsBetweenMultiplexedStatementsOnTheIOThreadSucceed() async throws {
        let db = try MultiplexingTests.database(depth: 4) { $0.pool.pingAfterIdle = .zero }
        let sum = try await withTaskExecutorPreference(Database.ioExecutor) { () async throws -> Int in
            var sum = 0
            for i in 1...20 { sum += try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) }
            return sum
        }
        #expect(sum == 210)
        #expect(db.statistics.pings >= 10)
        #expect(db.statistics.pingFailures == 0)
        #expect(db.statistics.connectionsOpened == 1)
        await db.shutdown()
    }
}
