import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

/// Hostile or broken input gets a clear error or the correct result, never a wrong one, never a
/// crash, and the pooled connection stays usable.
@Suite("Bad input")
struct BadInputTests {
    func expectHealthy(_ db: Database) async throws {
        #expect(try await db.execute("SELECT 1")[0].decode(Int.self, column: 0) == 1)
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.connectionsLost == 0)
    }

    @Test(arguments: TestServer.pipelineDepths) func nulBytesAreRejectedBeforeSending(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let e1 = await #expect(throws: PostgresError.self) { try await db.execute(SQLQuery(unsafeSQL: "SELECT 1\u{0}")) }
        #expect(e1?.kind == .invalidInput)
        // again, now that the shape cache knows the text (the NUL check is remembered with it)
        let again = await #expect(throws: PostgresError.self) { try await db.execute(SQLQuery(unsafeSQL: "SELECT 1\u{0}")) }
        #expect(again?.kind == .invalidInput)
        let e2 = await #expect(throws: PostgresError.self) { try await db.execute("SELECT $1::text", "a\u{0}b") }
        #expect(e2?.kind == .invalidInput)
        try await expectHealthy(db)
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func invalidUTF8InAParameterIsTheServersClearError(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let bad = PostgresBind(bytes: [0x61, 0xff, 0xfe, 0x62])
        let e = await #expect(throws: PostgresError.self) { try await db.execute("SELECT $1::text", parameters: [bad]) }
        #expect(e?.sqlState == "22021")
        try await expectHealthy(db)
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func tooManyParametersAreRejected(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let params = [any PostgresEncodable](repeating: 1, count: 65_536)
        let e = await #expect(throws: PostgresError.self) { try await db.execute("SELECT 1", parameters: params) }
        #expect(e?.kind == .invalidInput)
        try await expectHealthy(db)
        await db.shutdown()
    }

    /// Under a sanitizer (REALPOOL_SANITIZER=1) copying 100 MB takes long enough to starve the
    /// other tests' tasks, so the size is cut there; the code path is the same. The two cases run
    /// one after the other, and the payload is made from bytes (`String(repeating:count:)` appends
    /// character by character: seconds of a debug build's CPU): copying 100 MB holds a thread of
    /// the cooperative pool, and two at once froze every other test on a 2-core machine.
    @Test(.serialized, arguments: TestServer.pipelineDepths) func aHundredMegabyteParameterArrivesWhole(pipelineDepth: Int) async throws {
        let size = ProcessInfo.processInfo.environment["REALPOOL_SANITIZER"] == nil ? 100_000_000 : 5_000_000
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let big = String(decoding: [UInt8](repeating: UInt8(ascii: "x"), count: size), as: UTF8.self)
        let r = try await db.execute("SELECT length($1::text), md5($1::text) = md5(repeat('x', $2))", big, size)
        #expect(try r[0].decode(Int.self, column: 0) == size)
        #expect(try r[0].decode(Bool.self, column: 1) == true)
        try await expectHealthy(db)
        await db.shutdown()
    }

    @Test(.serialized, arguments: TestServer.pipelineDepths) func aLargeSQLTextRuns(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        // a 2 MB statement (the release build handles 10 MB in about a tenth of a second; a debug
        // test keeps to 2 MB so the suite stays fast, and runs its cases one at a time: lexing
        // it holds a thread of the cooperative pool for a while)
        let padding = String(repeating: "-- padding line of a very long generated statement\n", count: 40_000)
        let r = try await db.execute(SQLQuery(unsafeSQL: padding + "SELECT 42"))
        #expect(try r[0].decode(Int.self, column: 0) == 42)
        try await expectHealthy(db)
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func unterminatedQuoteRunsPlainlyAndGetsTheServersSyntaxError(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let e = await #expect(throws: PostgresError.self) { try await db.execute(SQLQuery(unsafeSQL: "SELECT 'oops")) }
        #expect(e?.sqlState == "42601")
        try await expectHealthy(db)
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func wrongNumberOfParametersIsTheServersError(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let e = await #expect(throws: PostgresError.self) { try await db.execute("SELECT $1::int + $2::int", 1) }
        #expect(e?.sqlState == "08P01")
        try db.addPrepareTarget("SELECT $1::int + $2::int AS s")
        let e2 = await #expect(throws: PostgresError.self) { try await db.execute("SELECT $1::int + $2::int AS s", 1) }
        #expect(e2?.sqlState == "08P01")
        try await expectHealthy(db)
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func injectionThroughLiftedLiteralsBindsTheExactString(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        try db.addPrepareTarget("SELECT $1::text AS v")
        let cases: [(sql: String, expected: String)] = [
            ("SELECT 'O''Reilly'::text AS v", "O'Reilly"),
            ("SELECT E'back\\\\slash \\' quote'::text AS v", "back\\slash ' quote"),
            ("SELECT 'a\\b'::text AS v", "a\\b"),
            ("SELECT $$'); DROP TABLE users; --$$::text AS v", "'); DROP TABLE users; --"),
            ("SELECT U&'d\\0061t\\+000061'::text AS v", "data"),
            ("SELECT E'\\x41\\101\\u0041'::text AS v", "AAA"),
        ]
        for c in cases {
            let rewritten = try await db.execute(SQLQuery(unsafeSQL: c.sql))
            #expect(try rewritten[0].decode(String.self, column: "v") == c.expected, "\(c.sql)")
        }
        #expect(db.statistics.hits + db.statistics.misses >= cases.count)
        try await expectHealthy(db)
        await db.shutdown()
    }
}
