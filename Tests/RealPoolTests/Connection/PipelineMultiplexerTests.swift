import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// The multiplexer on its own connection, with a clock the test moves, so that races with time
/// that a loaded machine produces now and then are played the same way on every run.
@Suite("Pipeline multiplexer")
struct PipelineMultiplexerTests {
    /// A clock that runs with the real one, plus an offset the test sets.
    final class JumpingClock: Sendable {
        private let offset = Locked(Duration.zero)
        func jump(by d: Duration) { offset.withLock { $0 += d } }
        var now: @Sendable () -> ContinuousClock.Instant { { [self] in ContinuousClock.now.advanced(by: offset.withLock { $0 }) } }
    }

    /// A table locked by a transaction on another connection: a statement reading it waits.
    struct Gate {
        let table: String
        let holder: Connection

        static func closed() async throws -> Gate {
            let table = TestServer.uniqueName("mux_gate")
            let holder = try await TestServer.connect()
            _ = try await holder.simpleQuery("CREATE TABLE \(table) (id int)")
            _ = try await holder.simpleQuery("BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE")
            return Gate(table: table, holder: holder)
        }

        func open() async throws { _ = try await holder.simpleQuery("COMMIT") }

        func drop() async throws {
            _ = try await holder.simpleQuery("DROP TABLE \(table)")
            holder.close()
        }
    }

    static func count(_ table: String, _ mux: PipelineMultiplexer, deadline: ContinuousClock.Instant?,
                      onAbandoned: @escaping @Sendable (Bool) -> Void = { _ in }) async throws -> Int {
        let outcomes = try await mux.submit(deadline: deadline, onAbandoned: onAbandoned) {
            .one([.query("SELECT count(*)::int FROM \(table)", [])])
        }
        return try #require(outcomes?.first).get()[0].decode(Int.self, column: 0)
    }

    /// The reader wakes for a caller's deadline seconds late (here the clock jumps past the
    /// deadline plus the stall grace period before the wake; on a loaded machine, a reader task
    /// that waited that long for a thread). The caller must get `.timeout`, the connection must
    /// stay, and the late result must be read and dropped: a stall is judged only a grace period
    /// after the reader handed out the timeout, and never when an answer has arrived.
    @Test func aDeadlineObservedLateIsATimeoutNotALostConnection() async throws {
        let clock = JumpingClock()
        let connection = try await TestServer.connect()
        let mux = PipelineMultiplexer(connection: connection, now: clock.now)
        let gate = try await Gate.closed()
        let dropped = Locked<Bool?>(nil)
        let blocked = Task {
            try await Self.count(gate.table, mux, deadline: .now + .milliseconds(200)) { broken in dropped.withLock { $0 = broken } }
        }
        try await TestServer.waitUntil("the statement is in flight") { mux.requestsInFlight == 1 }
        clock.jump(by: Connection.cancelGrace + .seconds(1))
        let error = await #expect(throws: PipelineMultiplexer.Abandoned.self) { try await blocked.value }
        #expect((error?.reason as? PostgresError)?.kind == .timeout)
        #expect(!mux.isBroken)
        #expect(mux.requestsInFlight == 1)
        try await gate.open()
        try await TestServer.waitUntil("the late result is read and dropped") { dropped.withLock { $0 } != nil }
        #expect(dropped.withLock { $0 } == false)
        #expect(try await Self.count(gate.table, mux, deadline: nil) == 0)
        try await gate.drop()
        mux.close()
    }
}
