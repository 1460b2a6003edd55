import EmbeddedPostgres
import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

@Suite("Connection")
struct ConnectionTests {
    @Test func connectsAndCloses() async throws {
        let c = try await TestServer.connect()
        #expect(c.backendPID > 0)
        #expect(c.serverVersion >= 140000)
        #expect(c.transactionStatus == .idle)
        #expect(c.parameterStatus("DateStyle")?.hasPrefix("ISO") == true)
        #expect(c.parameterStatus("application_name") == "RealPoolTests")
        c.close()
        #expect(c.isClosed)
        #expect(c.transactionStatus == .unknown)
    }

    @Test func blockingConnectAndQuery() throws {
        let c = try TestServer.connect()
        defer { c.close() }
        let r = try c.query("SELECT $1::int + 1 AS n", [41])
        #expect(try r[0].decode(Int.self, column: "n") == 42)
        #expect(r.commandTag == "SELECT 1")
    }

    /// Every parameter goes out of one scratch buffer: neighbours must not bleed into each
    /// other, NULL must stay NULL next to empty text, and binary bytes (NULs included) arrive whole.
    @Test func parametersOfEveryKindArriveIntactSideBySide() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let long = String(repeating: "xyz", count: 3_000)
        let binary: [UInt8] = [0, 1, 2, 0, 255, 254, 0]
        let params: [PostgresBind] = [
            .text("abc"), .null, .text(""), PostgresBind(bytes: binary, format: .binary, type: .bytea),
            .text(long), .null, .text("é😀"),
        ]
        let outcomes = try await c.pipeline([.query("""
            SELECT $1::text, $2::text IS NULL, $3::text IS NULL, length($3::text), $4::bytea, length($5::text),
                   $5::text = repeat('xyz', 3000), $6::int IS NULL, $7::text
            """, params)])
        let row = try outcomes[0].get()[0]
        #expect(try row.decode(String.self, column: 0) == "abc")
        #expect(try row.decode(Bool.self, column: 1))
        #expect(try !row.decode(Bool.self, column: 2))
        #expect(try row.decode(Int.self, column: 3) == 0)
        #expect(try row.decode(PostgresBytes.self, column: 4) == PostgresBytes(binary))
        #expect(try row.decode(Int.self, column: 5) == long.utf8.count)
        #expect(try row.decode(Bool.self, column: 6))
        #expect(try row.decode(Bool.self, column: 7))
        #expect(try row.decode(String.self, column: 8) == "é😀")
    }

    @Test(TestServer.embeddedOnly) func connectsOverTCPWithPasswordFromURL() async throws {
        let server = try #require(try TestServer.embedded())
        let c = try await Connection.connect(ConnectionConfiguration(server.tcpURL, connectTimeout: .seconds(30)))
        defer { c.close() }
        #expect(try await c.query("SELECT 1")[0].decode(Int.self, column: 0) == 1)
    }

    @Test(TestServer.embeddedOnly) func wrongPasswordFailsWithoutShowingIt() async throws {
        let server = try #require(try TestServer.embedded())
        let url = "postgres://postgres:not-the-secret-pw@127.0.0.1:\(server.port)/postgres"
        // generous: SCRAM's key derivation on a loaded machine must not turn this into a timeout
        let error = await #expect(throws: PostgresError.self) { try await Connection.connect(ConnectionConfiguration(url, connectTimeout: .seconds(60))) }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.description.contains("not-the-secret-pw") == false)
        #expect(error?.description.contains("password authentication failed") == true)
    }

    @Test func unreachableServerFailsWithinTimeout() async throws {
        let port = try EmbeddedPostgres.unusedLoopbackPort()
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) {
            try await Connection.connect(ConnectionConfiguration("host=127.0.0.1 port=\(port) connect_timeout=2", connectTimeout: .seconds(2)))
        }
        #expect(error?.kind == .connectionFailed)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func simpleQueryRunsSeveralStatements() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let results = try await c.simpleQuery("SELECT 1; SELECT 'a', 'b'; ")
        #expect(results.count == 2)
        #expect(results[1].columnCount == 2)
        #expect(results[1][0]["?column?"] == "a")
    }

    @Test func prepareExecuteDescribeDeallocate() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        try await c.prepare(name: "s1", sql: "SELECT $1::int8 AS a, $2::text AS b")
        let d = try await c.describePrepared(name: "s1")
        #expect(d.parameterTypes == [.int8, .text])
        #expect(d.columns.map(\.name) == ["a", "b"])
        #expect(d.columns.map(\.type) == [.int8, .text])
        let r = try await c.executePrepared(name: "s1", [7, "x"])
        #expect(try r[0].decode(Int64.self, column: "a") == 7)
        #expect(try await c.query("SELECT count(*) FROM pg_prepared_statements WHERE name = 's1'")[0].decode(Int.self, column: 0) == 1)
        try await c.deallocate(name: "s1")
        #expect(try await c.query("SELECT count(*) FROM pg_prepared_statements WHERE name = 's1'")[0].decode(Int.self, column: 0) == 0)
        let e = await #expect(throws: PostgresError.self) { try await c.executePrepared(name: "s1", [1, "y"]) }
        #expect(e?.sqlState == "26000")
    }

    @Test func pipelinePrepareAndExecuteInOneRoundTrip() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let results = try await c.pipeline([
            .prepare(name: "p1", sql: "SELECT $1::int * 2 AS v", types: []),
            .executePrepared(name: "p1", [21.postgresBind]),
            .executePrepared(name: "p1", [50.postgresBind]),
        ])
        #expect(results.count == 3)
        #expect(try results[1].get()[0].decode(Int.self, column: 0) == 42)
        #expect(try results[2].get()[0].decode(Int.self, column: 0) == 100)
    }

    @Test func pipelineErrorSkipsLaterSteps() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let results = try await c.pipeline([
            .query("SELECT 1", []),
            .query("SELECT 1/0", []),
            .query("SELECT 3", []),
        ])
        #expect(results.count == 3)
        #expect((try? results[0].get()) != nil)
        guard case .failure(let e1) = results[1], case .failure(let e2) = results[2] else {
            Issue.record("expected failures, got \(results)")
            return
        }
        #expect(e1.sqlState == "22012")
        #expect(e2.kind == .pipelineAborted)
        #expect(c.transactionStatus == .idle)
        #expect(try await c.query("SELECT 4")[0].decode(Int.self, column: 0) == 4)
    }

    @Test func transactionStatusFollowsTheServer() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        _ = try await c.simpleQuery("BEGIN")
        #expect(c.transactionStatus == .inTransaction)
        _ = try? await c.simpleQuery("SELECT 1/0")
        #expect(c.transactionStatus == .inFailedTransaction)
        _ = try await c.simpleQuery("ROLLBACK")
        #expect(c.transactionStatus == .idle)
    }

    @Test func affectedRowsAndCommandTags() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let t = TestServer.uniqueName("tags")
        _ = try await c.simpleQuery("CREATE TEMP TABLE \(t) (id int)")
        let ins = try await c.query("INSERT INTO \(t) SELECT generate_series(1, 5)")
        #expect(ins.commandTag == "INSERT 0 5")
        #expect(ins.affectedRows == 5)
        #expect(ins.commandVerb == "INSERT")
        let upd = try await c.query("UPDATE \(t) SET id = id + 1 WHERE id > $1", [2])
        #expect(upd.affectedRows == 3)
        let sel = try await c.query("SELECT * FROM \(t) ORDER BY id")
        #expect(sel.count == 5)
        #expect(sel.affectedRows == 5)
        let discard = try await c.simpleQuery("DISCARD ALL")
        #expect(discard[0].commandTag == "DISCARD ALL")
    }
}

