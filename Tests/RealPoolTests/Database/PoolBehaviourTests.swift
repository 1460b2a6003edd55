import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

@Suite("Pool behaviour")
struct PoolBehaviourTests {
    @Test func acquireTimeoutGivesAClearError() async throws {
        let db = try TestServer.database { $0.pool.acquireTimeout = .seconds(1) }
        try await TestServer.waitUntil("the pool has connected") { (try? await db.execute("SELECT 1")) != nil }
        let timeoutsBefore = db.statistics.timeouts
        try await db.transaction { _ in
            let e = await #expect(throws: PoolError.self) { try await db.execute("SELECT 1") }
            #expect(e?.kind == .acquireTimeout)
            #expect(e?.message.contains("acquireTimeout") == true)
        }
        #expect(db.statistics.timeouts == timeoutsBefore + 1)
        #expect(db.statistics.waiting == 0)
        await db.shutdown()
    }

    @Test func cancelledWaiterLeaksNothing() async throws {
        let db = try TestServer.database()
        try await db.transaction { _ in
            let waiter = Task { try await db.execute("SELECT 1") }
            try await TestServer.waitUntil("the task waits") { db.statistics.waiting == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { _ = try await waiter.value }
            #expect(db.statistics.waiting == 0)
        }
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.idle == 1)
        #expect(try await db.execute("SELECT 2")[0].decode(Int.self, column: 0) == 2)
        await db.shutdown()
    }

    @Test func twoHundredTasksOnTwoConnections() async throws {
        let db = try TestServer.database(maxConnections: 2)
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 1...200 {
                group.addTask { try await db.execute("SELECT $1::int AS v", i)[0].decode(Int.self, column: 0) }
            }
            return try await group.reduce(0, +)
        }
        #expect(sum == 200 * 201 / 2)
        #expect(db.statistics.connectionsOpened <= 2)
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.acquires == 200)
        await db.shutdown()
    }

    @Test func heartbeatKeepsTickingWhileQueriesWait() async throws {
        let db = try TestServer.database(maxConnections: 2)
        _ = try await db.execute("SELECT 1")
        // beats counted only while queries are outstanding
        let beats = Locked((outstanding: true, count: 0))
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(5))
                beats.withLock { if $0.outstanding { $0.count += 1 } }
            }
        }
        // 50 queries of 100 ms on 2 connections take about 2.5 s, most of them spent waiting for
        // the pool. Were a waiting query to block a thread of the cooperative pool (2 threads here),
        // the heartbeat could not run at all until the last query finished. (Other tests running
        // in parallel may slow it down, but not to zero over seconds.)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = try await db.execute("SELECT pg_sleep(0.1)") }
            }
            for try await _ in group {}
        }
        let count = beats.withLock { b -> Int in b.outstanding = false; return b.count }
        heartbeat.cancel()
        #expect(count >= 10, "heartbeat ticked only \(count) times while 50 queries waited on 2 connections")
        await db.shutdown()
    }

    @Test func leakWarningNamesTheCallSite() async throws {
        let capture = LogCapture()
        let db = try TestServer.database {
            $0.pool.leakDetectionThreshold = .milliseconds(100)
            $0.logger = capture.logger()
        }
        try await db.transaction { _ in
            try await TestServer.waitUntil("the leak warning is logged") {
                capture.messages.contains { $0.contains("leakDetectionThreshold") && $0.contains("PoolBehaviourTests.swift") }
            }
        }
        await db.shutdown()
    }

    @Test func connectionReturnedInATransactionIsRolledBack() async throws {
        let capture = LogCapture()
        let db = try TestServer.database { $0.logger = capture.logger() }
        let t = TestServer.uniqueName("reset")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        // a multi-statement string that leaves a transaction open
        let e = await #expect(throws: UsageError.self) { try await db.execute(SQLQuery(unsafeSQL: "BEGIN; INSERT INTO \(t) VALUES (1)")) }
        #expect(e?.message.contains("rolled back") == true)
        try await TestServer.waitUntil("the reset completes") { db.statistics.resets == 1 && db.statistics.idle == 1 }
        #expect(capture.messages.contains { $0.contains("rolling it back") })
        #expect(try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(t)"))[0].decode(Int.self, column: 0) == 0)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func threadsAndTasksShareOnePool() async throws {
        let db = try TestServer.database(maxConnections: 2)
        let threadResults = Locked<[Int]>([])
        let threads = (0..<4).map { i in
            Thread {
                for j in 0..<10 {
                    let v = try! db.blocking.execute("SELECT $1::int", i * 100 + j)[0].decode(Int.self, column: 0)
                    threadResults.withLock { $0.append(v) }
                }
            }
        }
        threads.forEach { $0.start() }
        let taskSum = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<40 { group.addTask { try await db.execute("SELECT $1::int", i)[0].decode(Int.self, column: 0) } }
            return try await group.reduce(0, +)
        }
        try await TestServer.waitUntil("the threads finish") { threadResults.withLock { $0.count } == 40 }
        #expect(taskSum == (0..<40).reduce(0, +))
        #expect(db.statistics.acquires == 80)
        #expect(db.statistics.connectionsOpened <= 2)
        await db.shutdown()
    }

    @Test func blockingTransactionCommitsAndRollsBack() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("btx")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        let done = Locked(false)
        let thread = Thread {
            try! db.blocking.transaction { tx in
                try tx.execute("INSERT INTO \(unsafeRaw: t) VALUES (1)")
            }
            struct Boom: Error {}
            _ = try? db.blocking.transaction { tx in
                try tx.execute("INSERT INTO \(unsafeRaw: t) VALUES (2)")
                throw Boom()
            }
            done.withLock { $0 = true }
        }
        thread.start()
        try await TestServer.waitUntil("the thread finishes") { done.withLock { $0 } }
        let rows = try await db.execute(SQLQuery(unsafeSQL: "SELECT id FROM \(t)"))
        #expect(try rows.map { try $0.decode(Int.self, column: 0) } == [1])
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func reportShowsEachConnection() async throws {
        let db = try TestServer.database(maxConnections: 2)
        try await db.transaction { tx in
            try await tx.execute("SELECT 'report me'")
            let report = db.report()
            #expect(report.entries.count == 1)
            #expect(report.entries[0].state == "in transaction")
            #expect(report.entries[0].lessee?.description.contains("PoolBehaviourTests.swift") == true)
            #expect(report.entries[0].lastStatement == "SELECT 'report me'")
            #expect(report.entries[0].backendPID != nil)
            #expect(report.description.contains("in transaction"))
        }
        #expect(db.report().entries[0].state == "idle")
        await db.shutdown()
    }

    @Test func reportShortensLongStatements() async throws {
        let db = try TestServer.database(maxConnections: 1)
        let long = "SELECT '" + String(repeating: "é", count: 200) + "' AS v"
        _ = try await db.execute(SQLQuery(unsafeSQL: long))
        let shown = try #require(db.report().entries.first?.lastStatement)
        #expect(shown.count == 120 && shown.hasSuffix("…"))
        #expect(long.hasPrefix(shown.dropLast()))
        await db.shutdown()
    }

    @Test func interpolationBindsNeverSplices() async throws {
        let db = try TestServer.database()
        let hostile = "x'); DROP TABLE users; --"
        let r = try await db.execute("SELECT \(hostile)::text AS v, \(42)::int AS n")
        #expect(try r[0].decode(String.self, column: "v") == hostile)
        #expect(try r[0].decode(Int.self, column: "n") == 42)
        await db.shutdown()
    }

    @Test func shutdownFailsNewLeasesAndDoesNotHang() async throws {
        let db = try TestServer.database { $0.shutdownGracePeriod = .milliseconds(500) }
        _ = try await db.execute("SELECT 1")
        let holder = Task {
            try await db.transaction { tx in
                try await tx.execute("SELECT pg_sleep(5)")
            }
        }
        try await TestServer.waitUntil("the transaction holds its connection") { db.statistics.leased == 1 }
        // The shutdown deadline cancels the running statement; a cancel that reaches the backend
        // before it sleeps (between BEGIN and the sleep, or while it reads the sleep's messages)
        // is ignored, so wait until it sleeps.
        let observer = try await TestServer.connect()
        defer { observer.close() }
        try await TestServer.waitUntil("the sleep runs on the server") {
            try await observer.query("SELECT count(*)::int FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query = 'SELECT pg_sleep(5)'")[0].decode(Int.self, column: 0) == 1
        }
        let start = ContinuousClock.now
        await db.shutdown()
        #expect(ContinuousClock.now - start < .seconds(5))
        await #expect(throws: (any Error).self) { try await holder.value }
        let e = await #expect(throws: PoolError.self) { try await db.execute("SELECT 1") }
        #expect(e?.kind == .shutdown)
    }
}
