import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

/// `db.statistics`: typed fields, and the flat export with the documented keys.
@Suite("Database statistics")
struct DatabaseStatisticsTests {
    @Test func typedFieldsAndTheFlatExportAgree() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("stats")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY)"))
        let lookup = "SELECT id FROM \(t) WHERE id = $1"
        try db.addPrepareTarget(lookup)
        for i in 1...3 { _ = try await db.execute(lookup, i) }
        let stats = db.statistics
        #expect(stats.misses == 1 && stats.hits == 2)
        #expect(stats.leased == 0 && stats.acquires == 4)
        let flat = stats.asDictionary()
        #expect(flat["cacheMisses"] == stats.misses && flat["cacheHits"] == stats.hits)
        #expect(flat["statementRoundTrips"] == stats.roundTrips && flat["acquires"] == stats.acquires)
        #expect(flat.count == stats.pool.asDictionary().count + stats.statements.asDictionary().count)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }
}
