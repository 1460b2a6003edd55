import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

/// The release point, observed through pool statistics with a pool of one connection (the
/// behaviours django-pg-real-pool's own suite checks).
@Suite("Release point")
struct ReleasePointTests {
    @Test func releasedRightAfterAStatement() async throws {
        let db = try TestServer.database()
        let result = try await db.execute("SELECT 1 AS one")
        #expect(try result[0].decode(Int.self, column: "one") == 1)
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.idle == 1)
        #expect(db.statistics.acquires == 1)
        #expect(db.statistics.releases == 1)
        await db.shutdown()
    }

    @Test func heldInsideATransactionAndReleasedAfterCommit() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("commit")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        try await db.transaction { tx in
            try await tx.execute("INSERT INTO \(unsafeRaw: t) VALUES (\(1))")
            #expect(db.statistics.leased == 1)
            try await tx.execute("INSERT INTO \(unsafeRaw: t) VALUES (\(2))")
            #expect(db.statistics.leased == 1)
        }
        #expect(db.statistics.leased == 0)
        let count = try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(t)"))
        #expect(try count[0].decode(Int.self, column: 0) == 2)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func releasedAfterRollbackAndTheRowsAreGone() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("rollback")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await db.transaction { tx in
                try await tx.execute("INSERT INTO \(unsafeRaw: t) VALUES (\(1))")
                throw Boom()
            }
        }
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.idle == 1)
        let count = try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(t)"))
        #expect(try count[0].decode(Int.self, column: 0) == 0)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func nestedTransactionIsASavepointAndHoldsUntilTheOuterEnds() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("nested")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        struct Boom: Error {}
        try await db.transaction { tx in
            try await tx.execute("INSERT INTO \(unsafeRaw: t) VALUES (1)")
            try await tx.transaction { inner in
                try await inner.execute("INSERT INTO \(unsafeRaw: t) VALUES (2)")
            }
            #expect(db.statistics.leased == 1)
            await #expect(throws: Boom.self) {
                try await tx.transaction { inner in
                    try await inner.execute("INSERT INTO \(unsafeRaw: t) VALUES (3)")
                    throw Boom()
                }
            }
            #expect(db.statistics.leased == 1)
        }
        #expect(db.statistics.leased == 0)
        let rows = try await db.execute(SQLQuery(unsafeSQL: "SELECT id FROM \(t) ORDER BY id"))
        #expect(try rows.map { try $0.decode(Int.self, column: 0) } == [1, 2])
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func caughtErrorMakesCommitFailLoudly() async throws {
        let db = try TestServer.database()
        await #expect(throws: UsageError.self) {
            try await db.transaction { tx in
                _ = try? await tx.execute("SELECT 1/0")
            }
        }
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    @Test func streamHoldsTheConnectionUntilConsumed() async throws {
        let db = try TestServer.database()
        var seen = 0
        for try await row in db.stream("SELECT g FROM generate_series(1, 2500) g", batchSize: 1000) {
            seen += 1
            #expect(try row.decode(Int.self, column: 0) == seen)
            // the connection is held while rows remain on the server (the last batch is in memory)
            if seen <= 2000 { #expect(db.statistics.leased == 1) }
        }
        #expect(seen == 2500)
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.idle == 1)
        await db.shutdown()
    }

    @Test func streamStoppedEarlyReleasesTheConnection() async throws {
        let db = try TestServer.database()
        do {
            var it = db.stream("SELECT g FROM generate_series(1, 10000) g", batchSize: 100).makeAsyncIterator()
            _ = try await it.next()
            #expect(db.statistics.leased == 1)
        }
        try await TestServer.waitUntil("the dropped stream returns its connection") { db.statistics.leased == 0 }
        #expect(try await db.execute("SELECT 7")[0].decode(Int.self, column: 0) == 7)
        #expect(db.statistics.connectionsOpened == 1)
        await db.shutdown()
    }

    @Test func manualBeginCommitInASessionPinsAndUnpins() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("session")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        try await db.withSession { s in
            try await s.execute("SELECT 1")
            #expect(!s.isPinned)
            #expect(db.statistics.leased == 0)
            try await s.execute("BEGIN")
            #expect(s.isPinned)
            #expect(db.statistics.leased == 1)
            try await s.execute("INSERT INTO \(unsafeRaw: t) VALUES (1)")
            #expect(db.statistics.leased == 1)
            try await s.execute("COMMIT")
            #expect(!s.isPinned)
            #expect(db.statistics.leased == 0)
        }
        let count = try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(t)"))
        #expect(try count[0].decode(Int.self, column: 0) == 1)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }
}
