import EmbeddedPostgres
import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// A network that stalls or drops, through a loopback proxy the test runs.
@Suite("Network faults")
struct NetworkFaultTests {
    func database(through proxy: LoopbackProxy, server: EmbeddedPostgres, pipelineDepth: Int, deadline: Duration = .milliseconds(500)) -> Database {
        var pool = PoolConfiguration()
        pool.maxConnections = 1
        pool.minConnections = 0
        pool.acquireTimeout = .seconds(30)
        let url = "postgres://\(server.user):\(server.password)@127.0.0.1:\(proxy.port)/postgres"
        var config = DatabaseConfiguration(ConnectionConfiguration(url, connectTimeout: .seconds(10)), pool: pool)
        config.statementDeadline = deadline
        config.pipelineDepth = pipelineDepth
        return Database(config)
    }

    @Test(TestServer.embeddedOnly, arguments: TestServer.pipelineDepths) func aStalledNetworkNeverHangsACaller(pipelineDepth: Int) async throws {
        let server = try #require(try TestServer.embedded())
        let proxy = try LoopbackProxy(targetPort: server.port)
        defer { proxy.close() }
        let db = database(through: proxy, server: server, pipelineDepth: pipelineDepth)
        #expect(try await db.execute("SELECT 1")[0].decode(Int.self, column: 0) == 1)

        proxy.stall()
        let start = ContinuousClock.now
        let e = await #expect(throws: PostgresError.self) { try await db.execute("SELECT 2") }
        let waited = ContinuousClock.now - start
        #expect(e?.kind == .timeout)
        // deadline (0.5 s) + the cancel grace period (5 s), with room for a loaded machine
        #expect(waited < .seconds(15), "the caller waited \(waited)")
        proxy.resume()

        // the stalled connection was given up; a new one serves the next statement
        #expect(try await db.execute("SELECT 3")[0].decode(Int.self, column: 0) == 3)
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    /// A cancel that reaches the server before the backend has read the statement is ignored
    /// (the backend is idle then), so the statement would run to its end. Held back in the
    /// network here, the statement arrives after the first cancel request; the one sent again a
    /// second later stops it, and the connection stays in step and is reused.
    @Test(TestServer.embeddedOnly) func aCancelThatArrivesBeforeItsStatementIsSentAgain() async throws {
        let server = try #require(try TestServer.embedded())
        let proxy = try LoopbackProxy(targetPort: server.port)
        defer { proxy.close() }
        let db = database(through: proxy, server: server, pipelineDepth: 1, deadline: .seconds(60))
        let pid = try await db.execute("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0)

        proxy.stall()
        let started = ContinuousClock.now
        let sleeper = Task { try await db.execute("SELECT pg_sleep(30)") }
        try await TestServer.waitUntil("the statement is held in the network") { proxy.heldReads > 0 }
        let endedBefore = proxy.connectionsEndedByServer
        sleeper.cancel()
        // the first cancel request goes over a new connection, which the proxy forwards: the
        // server finds the backend idle, ignores it and closes that connection. Only then does
        // the statement reach the server.
        try await TestServer.waitUntil("the server has handled the first cancel request") { proxy.connectionsEndedByServer > endedBefore }
        proxy.resume()
        await #expect(throws: CancellationError.self) { _ = try await sleeper.value }
        let waited = ContinuousClock.now - started
        #expect(waited < .seconds(20), "the cancel took \(waited)")
        // answered, so the connection was kept: the same backend serves the next statement
        #expect(try await db.execute("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0) == pid)
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    @Test(TestServer.embeddedOnly, arguments: TestServer.pipelineDepths) func aDroppedNetworkIsAClearErrorAndThePoolRecovers(pipelineDepth: Int) async throws {
        let server = try #require(try TestServer.embedded())
        let proxy = try LoopbackProxy(targetPort: server.port)
        defer { proxy.close() }
        // a deadline far away: what the caller must see is the drop, however slow the machine
        let db = database(through: proxy, server: server, pipelineDepth: pipelineDepth, deadline: .seconds(30))
        #expect(try await db.execute("SELECT 1")[0].decode(Int.self, column: 0) == 1)

        // a drop while a statement runs: the caller learns the connection was lost
        // long enough that the drop always comes first, however slow the machine; the drop ends it
        let tag = TestServer.uniqueName("dropped")
        let running = Task { try await db.execute(SQLQuery(unsafeSQL: "SELECT pg_sleep(30) AS \(tag)")) }
        try await TestServer.waitUntil("the statement runs on the server") { try await TestServer.isRunning(tag) }
        proxy.drop()
        let e = await #expect(throws: PostgresError.self) { try await running.value }
        #expect(e?.kind == .connectionLost)

        // a drop while idle: noticed at lease, replaced, never an error
        #expect(try await db.execute("SELECT 4")[0].decode(Int.self, column: 0) == 4)
        // (on loopback the proxy's close reaches our socket before drop() returns)
        proxy.drop()
        #expect(try await db.execute("SELECT 5")[0].decode(Int.self, column: 0) == 5)
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }
}

/// The pool closes a connection its own ping is using (the shutdown deadline) only once the ping
/// ends. Closed under it, the ping's wait stayed in the poller under a descriptor number that the
/// next connection could get, and the poller then stopped the process ("two waiters on one
/// socket"). The ping is held in a stalled network so that the deadline always finds it running.
@Suite("Pool checks and closing")
struct PoolCheckClosingTests {
    @Test(TestServer.embeddedOnly) func theShutdownDeadlineNeverClosesAConnectionUnderItsPing() async throws {
        let server = try #require(try TestServer.embedded())
        let proxy = try LoopbackProxy(targetPort: server.port)
        defer { proxy.close() }
        var pool = PoolConfiguration()
        pool.maxConnections = 1
        pool.pingAfterIdle = .zero
        let url = "postgres://\(server.user):\(server.password)@127.0.0.1:\(proxy.port)/postgres"
        var config = DatabaseConfiguration(ConnectionConfiguration(url, connectTimeout: .seconds(10)), pool: pool)
        config.shutdownGracePeriod = .zero
        let db = Database(config)
        #expect(try await db.execute("SELECT 1")[0].decode(Int.self, column: 0) == 1)

        proxy.stall()
        let waiting = Task { try await db.execute("SELECT 2") }
        try await TestServer.waitUntil("the pool's ping is held in the network") { db.statistics.checking == 1 && proxy.heldReads > 0 }
        let endedBefore = proxy.connectionsEndedByServer
        await db.shutdown()
        #expect(SocketPoller.shared.waitsOnClosedDescriptors == [])
        await #expect(throws: (any Error).self) { try await waiting.value }

        // the ping ends once the network is back, and only then is its connection closed: the
        // server ends two connections, the interrupting cancel request's and that one
        proxy.resume()
        try await TestServer.waitUntil("the connection is closed after its ping") { proxy.connectionsEndedByServer >= endedBefore + 2 }
        #expect(SocketPoller.shared.waitsOnClosedDescriptors == [])
    }
}
