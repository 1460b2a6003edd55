import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

@Suite("Connection errors")
struct ConnectionErrorTests {
    @Test func syntaxErrorCarriesEveryField() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let e = await #expect(throws: PostgresError.self) { try await c.query("SELECT * FROM WHERE") }
        #expect(e?.kind == .server)
        #expect(e?.sqlState == "42601")
        #expect(e?.severity == "ERROR")
        #expect(e?.position == 15)
        #expect(e?.routine != nil)
        #expect(e?.message.contains("syntax error") == true)
        // the connection stays usable after a statement error
        #expect(try await c.query("SELECT 1")[0].decode(Int.self, column: 0) == 1)
    }

    @Test func uniqueViolationHasDetailAndConstraint() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let t = TestServer.uniqueName("uniq")
        _ = try await c.simpleQuery("CREATE TEMP TABLE \(t) (id int CONSTRAINT \(t)_pk PRIMARY KEY)")
        _ = try await c.query("INSERT INTO \(t) VALUES ($1)", [1])
        let e = await #expect(throws: PostgresError.self) { try await c.query("INSERT INTO \(t) VALUES ($1)", [1]) }
        #expect(e?.sqlState == "23505")
        #expect(e?.detail == "Key (id)=(1) already exists.")
        #expect(e?.constraintName == "\(t)_pk")
        #expect(e?.tableName == t)
    }

    @Test func divisionByZero() throws {
        let c = try TestServer.connect()
        defer { c.close() }
        let e = #expect(throws: PostgresError.self) { try c.query("SELECT 1 / $1::int", [0]) }
        #expect(e?.sqlState == "22012")
        #expect(e?.message == "division by zero")
    }

    @Test func hintIsReported() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let e = await #expect(throws: PostgresError.self) { try await c.query("SELECT lengthh('x')") }
        #expect(e?.sqlState == "42883")
        #expect(e?.hint?.isEmpty == false)
    }

    @Test func lostConnectionAfterTerminateBackend() async throws {
        let victim = try await TestServer.connect()
        let killer = try await TestServer.connect()
        defer { victim.close(); killer.close() }
        _ = try await killer.query("SELECT pg_terminate_backend($1)", [victim.backendPID])
        // idle connection: the zero-round-trip check notices once the server has closed it
        try await TestServer.waitUntil("the killed backend is noticed") { !victim.isAlive() }
        let e = await #expect(throws: PostgresError.self) { try await victim.query("SELECT 1") }
        #expect(e?.kind == .connectionLost)
    }

    @Test func lostConnectionMidStatement() async throws {
        let victim = try await TestServer.connect()
        let killer = try await TestServer.connect()
        defer { victim.close(); killer.close() }
        let running = Task { try await victim.query("SELECT pg_sleep(30)") }
        try await TestServer.waitUntil("the sleep is running") {
            try await killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%' AND state = 'active'", [victim.backendPID])[0].decode(Int.self, column: 0) == 1
        }
        _ = try await killer.query("SELECT pg_terminate_backend($1)", [victim.backendPID])
        let e = await #expect(throws: PostgresError.self) { _ = try await running.value }
        #expect(e?.kind == .connectionLost)
        #expect(e?.sqlState == "57P01")
        #expect(victim.isBroken)
    }

    @Test func nulInSQLOrParameterIsRejectedBeforeSending() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let e1 = await #expect(throws: PostgresError.self) { try await c.query("SELECT 1\0") }
        #expect(e1?.kind == .invalidInput)
        let e2 = await #expect(throws: PostgresError.self) { try await c.query("SELECT $1::text", ["a\0b"]) }
        #expect(e2?.kind == .invalidInput)
        #expect(e2?.message.contains("$1") == true)
        let e3 = #expect(throws: PostgresError.self) { try c.simpleQuery("SELECT '\0'") }
        #expect(e3?.kind == .invalidInput)
        // nothing was sent, so the connection is still fine
        #expect(!c.isBroken)
        #expect(try await c.query("SELECT 2")[0].decode(Int.self, column: 0) == 2)
    }

    @Test func tooManyParametersRejectedBeforeSending() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let params = [any PostgresEncodable](repeating: 1, count: 65536)
        let e = await #expect(throws: PostgresError.self) { try await c.query("SELECT 1", params) }
        #expect(e?.kind == .invalidInput)
        #expect(e?.message.contains("65535") == true)
        #expect(!c.isBroken)
    }

    @Test func cancelStopsARunningStatement() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let observer = try await TestServer.connect()
        defer { observer.close() }
        let start = ContinuousClock.now
        let running = Task { try await c.query("SELECT pg_sleep(30)") }
        try await TestServer.waitUntil("the sleep is running") {
            try await observer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [c.backendPID])[0].decode(Int.self, column: 0) == 1
        }
        #expect(c.cancel())
        let e = await #expect(throws: PostgresError.self) { _ = try await running.value }
        #expect(e?.sqlState == "57014")
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(try await c.query("SELECT 3")[0].decode(Int.self, column: 0) == 3)
    }

    @Test func cancellingTheTaskCancelsTheStatementAndKeepsTheConnection() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let task = Task { try await c.query("SELECT pg_sleep(30)") }
        let observer = try await TestServer.connect()
        defer { observer.close() }
        try await TestServer.waitUntil("the sleep is running") {
            try await observer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [c.backendPID])[0].decode(Int.self, column: 0) == 1
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(!c.isBroken)
        #expect(try await c.query("SELECT 5")[0].decode(Int.self, column: 0) == 5)
    }

    @Test func deadlineCancelsAndReportsTimeout() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let outcomes: [Result<QueryResult, PostgresError>]
        do {
            outcomes = try await c.run(.pipeline([.query("SELECT pg_sleep(30)", [])]), deadline: .now.advanced(by: .milliseconds(300)))
        } catch let e as PostgresError where e.kind == .timeout {
            // The cancel itself was not answered within the grace period (a heavily loaded
            // machine): still a timeout, and the connection was given up rather than left hanging.
            #expect(c.isClosed)
            return
        }
        guard case .failure(let e) = outcomes[0] else { Issue.record("expected a timeout"); return }
        #expect(e.kind == .timeout)
        #expect(try await c.query("SELECT 6")[0].decode(Int.self, column: 0) == 6)
    }

    @Test func noticesGoToTheLogger() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        // A notice must not disturb the result of the statement that raised it.
        let r = try await c.simpleQuery("DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$")
        #expect(r[0].commandTag == "DO")
    }

    @Test func configurationRedactsPasswords() {
        #expect(ConnectionConfiguration.redact("postgres://u:s3cret@h:5/db") == "postgres://u:***@h:5/db")
        #expect(ConnectionConfiguration.redact("host=h password=s3cret user=u") == "host=h password=*** user=u")
        #expect(ConnectionConfiguration.redact("host=h password = 'se cr\\'et' user=u") == "host=h password = *** user=u")
        #expect(ConnectionConfiguration.redact("postgres://h/db?password=s3cret&sslmode=disable") == "postgres://h/db?password=***&sslmode=disable")
        #expect(!ConnectionConfiguration("postgres://u:s3cret@h/db").description.contains("s3cret"))
    }
}
