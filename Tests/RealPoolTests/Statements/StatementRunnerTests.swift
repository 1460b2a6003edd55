import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

@Suite("Statements: runner")
struct StatementRunnerTests {
    static let setup = [
        "CREATE TABLE t (id int4 PRIMARY KEY, big int8, name text)",
        "INSERT INTO t SELECT g, g * 10, 'n' || g FROM generate_series(1, 5) g",
    ]

    /// A connection in a schema of its own with table `t`, a registry, a runner and a cache.
    struct Fixture {
        let connection: Connection
        let registry: PrepareTargetRegistry
        let runner: StatementRunner
        let cache: StatementCache
        let schema: String

        init(cache: StatementCache = StatementCache(), registry: PrepareTargetRegistry = PrepareTargetRegistry()) async throws {
            connection = try await TestServer.connect()
            schema = try await StatementTesting.isolate(connection, setup: StatementRunnerTests.setup)
            self.registry = registry
            runner = StatementRunner(registry: registry)
            self.cache = cache
        }

        func run(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
            try await StatementTesting.run(runner, sql, parameters, on: connection, cache: cache)
        }

        func prepared(_ name: String) async throws -> Int {
            try await StatementTesting.preparedCount(connection, name: name)
        }
    }

    @Test func lazyPreparationHappensOncePerConnection() async throws {
        let registry = PrepareTargetRegistry()
        let target = try registry.register("SELECT name FROM t WHERE id = $1")
        let one = try await Fixture(registry: registry)
        defer { one.connection.close() }
        let two = try await Fixture(registry: registry)
        defer { two.connection.close() }

        #expect(try await one.prepared(target.name) == 0)
        for side in [one, two] {
            for id in 1...3 {
                let r = try await side.run("SELECT name FROM t WHERE id = $1", [.text("\(id)")])
                #expect(r[0]["name"] == "n\(id)")
            }
            #expect(try await side.prepared(target.name) == 1)
            #expect(side.cache.statistics.misses == 1)
            #expect(side.cache.statistics.hits == 2)
        }
        // A different spelling reuses the same statement; a lifted literal is declared int4, which
        // is a statement of its own (its name carries the type signature), reused by later literals.
        _ = try await one.run("select NAME from t where ID = $1", [.text("4")])
        #expect(one.cache.statistics.misses == 1)
        #expect(one.cache.statistics.hits == 3)
        _ = try await one.run("select NAME from t where id = 4")
        _ = try await one.run("SELECT name FROM t WHERE id = -5")
        #expect(one.cache.statistics.misses == 2)
        #expect(one.cache.statistics.hits == 4)
        #expect(try await one.prepared(StatementVariant.name(target.name, declaredTypes: [.int4])) == 1)
    }

    @Test func aMissCostsOneRoundTrip() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT id, name FROM t WHERE name = $1")
        let r = try await f.run("SELECT id, name FROM t WHERE name = 'n2'")
        #expect(r.count == 1)
        #expect(f.cache.statistics.misses == 1)
        #expect(f.cache.statistics.roundTrips == 1)
        _ = try await f.run("SELECT id, name FROM t WHERE name = $1", [.text("n3")])
        #expect(f.cache.statistics.roundTrips == 2)
        #expect(f.cache.statistics.hits == 1)
    }

    @Test func aLiftedLiteralIsDeclaredAndPreparesInOneRoundTrip() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT name FROM t WHERE id = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = 1")
        // prepare (with the literal's type declared) + describe + execute: nothing to check first
        #expect(f.cache.statistics.roundTrips == 1)
        _ = try await f.run("SELECT name FROM t WHERE id = 2")
        #expect(f.cache.statistics.roundTrips == 2)
        #expect(f.cache.statistics.hits == 1)
        #expect(f.cache.statistics.typeMismatchFallbacks == 0)
    }

    @Test func evictionReallyDeallocates() async throws {
        let f = try await Fixture(cache: StatementCache(maxPreparedStatements: 2))
        defer { f.connection.close() }
        let a = try f.registry.register("SELECT name FROM t WHERE id = $1")
        let b = try f.registry.register("SELECT id FROM t WHERE name = $1")
        let c = try f.registry.register("SELECT id FROM t WHERE big = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        _ = try await f.run("SELECT id FROM t WHERE name = $1", [.text("n1")])
        _ = try await f.run("SELECT id FROM t WHERE big = $1", [.text("10")])
        #expect(f.cache.statistics.evictions == 1)
        #expect(f.cache.pendingDeallocation == [a.name])
        // Deallocated lazily: still there until the next statement goes out.
        #expect(try await f.prepared(a.name) == 1)
        let before = f.cache.statistics.roundTrips
        _ = try await f.run("SELECT id FROM t WHERE name = $1", [.text("n2")])
        #expect(f.cache.statistics.roundTrips == before + 1, "the DEALLOCATE rides along in the same request")
        #expect(f.cache.statistics.deallocations == 1)
        #expect(f.cache.pendingDeallocation.isEmpty)
        let names = try await StatementTesting.preparedNames(f.connection)
        #expect(names == [b.name, c.name])
    }

    @Test func noDeallocationInsideATransaction() async throws {
        let f = try await Fixture(cache: StatementCache(maxPreparedStatements: 1))
        defer { f.connection.close() }
        let a = try f.registry.register("SELECT name FROM t WHERE id = $1")
        try f.registry.register("SELECT id FROM t WHERE name = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        _ = try await f.run("SELECT id FROM t WHERE name = $1", [.text("n1")])
        #expect(f.cache.pendingDeallocation == [a.name])
        _ = try await f.connection.simpleQuery("BEGIN")
        _ = try await f.run("SELECT 1")
        #expect(f.cache.pendingDeallocation == [a.name])
        _ = try await f.connection.simpleQuery("COMMIT")
        _ = try await f.run("SELECT 1")
        #expect(f.cache.pendingDeallocation.isEmpty)
        #expect(try await f.prepared(a.name) == 0)
    }

    @Test func alterTableHealsOutsideATransaction() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT * FROM t WHERE id = $1")
        #expect(try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")]).columnCount == 3)
        _ = try await f.connection.simpleQuery("ALTER TABLE t ADD COLUMN extra int DEFAULT 7")
        let r = try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")])
        #expect(r.columnCount == 4)
        #expect(r[0]["extra"] == "7")
        #expect(f.cache.statistics.repreparesPlanChanged == 1)
        #expect(f.connection.transactionStatus == .idle)
    }

    @Test func alterTableInsideATransactionGivesAClearError() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT * FROM t WHERE id = $1")
        _ = try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")])
        _ = try await f.connection.simpleQuery("ALTER TABLE t ADD COLUMN extra int")
        _ = try await f.connection.simpleQuery("BEGIN")
        let error = await #expect(throws: PostgresError.self) {
            try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")])
        }
        #expect(error?.sqlState == "0A000")
        #expect(error?.routine == "RevalidateCachedQuery")
        #expect(error?.message.contains("the schema changed under the open transaction") == true)
        #expect(error?.message.contains("cached plan must not change result type") == true)
        #expect(f.connection.transactionStatus == .inFailedTransaction)
        _ = try await f.connection.simpleQuery("ROLLBACK")
        // Outside the transaction the stale statement is replaced and the query works again.
        #expect(try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")]).columnCount == 4)
        #expect(try await f.prepared(target.name) == 1)
    }

    @Test func deallocateAllBehindTheCachesBackIsSurvived() async throws {
        let f = try await Fixture(cache: StatementCache(maxPreparedStatements: 1))
        defer { f.connection.close() }
        try f.registry.register("SELECT name FROM t WHERE id = $1")
        try f.registry.register("SELECT id FROM t WHERE name = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        _ = try await f.run("SELECT id FROM t WHERE name = $1", [.text("n1")])
        #expect(f.cache.pendingDeallocation.count == 1)
        // The server forgets everything; the cache does not know (raw access, not the runner).
        _ = try await f.connection.simpleQuery("DEALLOCATE ALL")
        // The pending DEALLOCATE fails (26000), the execute then finds its statement gone (26000):
        // both are handled and the caller just gets the result.
        let r = try await f.run("SELECT id FROM t WHERE name = $1", [.text("n2")])
        #expect(r[0]["id"] == "2")
        #expect(f.cache.statistics.repreparesMissing == 1)
        #expect(f.cache.pendingDeallocation.isEmpty)
        #expect(try await StatementTesting.preparedNames(f.connection).count == 1)
    }

    @Test func aMissingStatementInsideATransactionGivesAClearError() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT name FROM t WHERE id = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        _ = try await f.connection.simpleQuery("DEALLOCATE ALL; BEGIN")
        let error = await #expect(throws: PostgresError.self) {
            try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        }
        #expect(error?.sqlState == "26000")
        #expect(error?.message.contains("vanished from this connection during the open transaction") == true)
        _ = try await f.connection.simpleQuery("ROLLBACK")
        #expect(try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])[0]["name"] == "n1")
    }

    @Test func discardAllThroughTheRunnerEmptiesTheCache() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT name FROM t WHERE id = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        #expect(f.cache.count == 1)
        _ = try await f.run("DISCARD ALL")
        #expect(f.cache.count == 0)
        // DISCARD ALL also reset the search path; the table is schema-qualified from here on.
        _ = try await f.connection.simpleQuery("SET search_path TO \(f.schema)")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("2")])
        #expect(f.cache.statistics.misses == 2)
        #expect(f.cache.statistics.reprepares == 0, "prepared again without any error")
        _ = try await f.run("DEALLOCATE ALL")
        #expect(f.cache.count == 0)
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("2")])
        #expect(f.cache.statistics.misses == 3)
        #expect(f.cache.statistics.reprepares == 0)
    }

    @Test func eachLiteralTypeSignatureIsAStatementOfItsOwn() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT id FROM t WHERE big = $1")
        // an int4 literal against an int8 column: prepared with $1 declared int4 (int84eq, as in
        // the plain text), not run plainly
        let plain = await StatementOutcome { try await f.connection.query("SELECT id FROM t WHERE big = 20") }
        let rewritten = await StatementOutcome { try await f.run("SELECT id FROM t WHERE big = 20") }
        #expect(rewritten == plain)
        #expect(f.cache.statistics.typeMismatchFallbacks == 0)
        #expect(f.cache.statistics.misses == 1)
        let int4 = StatementVariant.name(target.name, declaredTypes: [.int4])
        let int8 = StatementVariant.name(target.name, declaredTypes: [.int8])
        #expect(try await f.prepared(int4) == 1)
        #expect(try await f.prepared(target.name) == 0)
        // an int8 literal is another variant; both are then hits
        _ = try await f.run("SELECT id FROM t WHERE big = 10000000000")
        #expect(try await f.prepared(int8) == 1)
        _ = try await f.run("SELECT id FROM t WHERE big = 30")
        _ = try await f.run("SELECT id FROM t WHERE big = 20000000000")
        #expect(f.cache.statistics.misses == 2)
        #expect(f.cache.statistics.hits == 2)
        #expect(f.cache.count == 2)
        // the caller's untyped parameter leaves $1 undeclared: the target's own name
        _ = try await f.run("SELECT id FROM t WHERE big = $1", [.text("20")])
        #expect(try await f.prepared(target.name) == 1)
        #expect(f.cache.statistics.typeMismatchFallbacks == 0)
    }

    @Test func variantsAreEvictedAndHealedOnTheirOwn() async throws {
        let f = try await Fixture(cache: StatementCache(maxPreparedStatements: 2))
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT id FROM t WHERE big = $1")
        let int4 = StatementVariant.name(target.name, declaredTypes: [.int4])
        let numeric = StatementVariant.name(target.name, declaredTypes: [.numeric])
        _ = try await f.run("SELECT id FROM t WHERE big = 20")
        _ = try await f.run("SELECT id FROM t WHERE big = 10000000000")
        _ = try await f.run("SELECT id FROM t WHERE big = 20.0")  // evicts the int4 variant
        #expect(f.cache.count == 2)
        #expect(f.cache.get(int4) == nil)
        // the eviction's DEALLOCATE rides along with the next statement
        _ = try await f.run("SELECT id FROM t WHERE big = 10000000000")
        #expect(try await f.prepared(int4) == 0)
        // a variant deallocated behind the cache's back is re-prepared and retried once
        _ = try await f.connection.simpleQuery("DEALLOCATE \(numeric)")
        let r = try await f.run("SELECT id FROM t WHERE big = 20.0")
        #expect(r[0]["id"] == "2")
        #expect(f.cache.statistics.repreparesMissing == 1)
        #expect(f.cache.statistics.typeMismatchFallbacks == 0)
    }

    @Test func aVariantIsHealedWhenDDLChangesItsResultType() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT id, big FROM t WHERE big = $1")
        _ = try await f.run("SELECT id, big FROM t WHERE big = 20")
        #expect(try await f.prepared(StatementVariant.name(target.name, declaredTypes: [.int4])) == 1)
        _ = try await f.connection.simpleQuery("ALTER TABLE t ALTER COLUMN big TYPE numeric")
        let plain = await StatementOutcome { try await f.connection.query("SELECT id, big FROM t WHERE big = 20") }
        let rewritten = await StatementOutcome { try await f.run("SELECT id, big FROM t WHERE big = 20") }
        #expect(rewritten == plain)
        #expect(f.cache.statistics.repreparesPlanChanged == 1)
        #expect(f.cache.statistics.typeMismatchFallbacks == 0)
    }

    @Test func aNumberMayFillAParameterUsedAtSeveralPlacesAStringMayNot() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT id FROM t WHERE id = $1 OR big = $1 ORDER BY id")
        try f.registry.register("SELECT id FROM t WHERE name = $1 OR name > $1 ORDER BY id")
        // both places of `2` are int4 constants in the plain text, and int4 is what $1 is declared
        for _ in 1...2 {
            let plain = await StatementOutcome { try await f.connection.query("SELECT id FROM t WHERE id = 2 OR big = 2 ORDER BY id") }
            #expect(await StatementOutcome { try await f.run("SELECT id FROM t WHERE id = 2 OR big = 2 ORDER BY id") } == plain)
        }
        #expect(f.cache.statistics.hits == 1)
        #expect(f.cache.statistics.typeMismatchFallbacks == 0)
        // a string is typed by each place's own context in the plain text: counted, run plainly
        let plain = await StatementOutcome { try await f.connection.query("SELECT id FROM t WHERE name = 'n4' OR name > 'n4' ORDER BY id") }
        #expect(await StatementOutcome { try await f.run("SELECT id FROM t WHERE name = 'n4' OR name > 'n4' ORDER BY id") } == plain)
        #expect(f.cache.statistics.typeMismatchFallbacks == 1)
        #expect(f.cache.statistics.misses == 1)
    }

    @Test func anAdoptedStatementWithOtherDeclaredTypesIsNotUsed() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT id FROM t WHERE big = $1")
        let int4 = StatementVariant.name(target.name, declaredTypes: [.int4])
        // someone prepared our text under the int4 variant's name, but with $1 declared numeric
        try await f.connection.prepare(name: int4, sql: target.sql, types: [.numeric])
        let plain = await StatementOutcome { try await f.connection.query("SELECT id FROM t WHERE big = 20") }
        #expect(await StatementOutcome { try await f.run("SELECT id FROM t WHERE big = 20") } == plain)
        #expect(f.cache.statistics.repreparesNameExists == 1)
        #expect(f.cache.statistics.typeMismatchFallbacks == 1)
        #expect(f.cache.statistics.hits == 0)
    }

    @Test func anExistingStatementOfTheSameTextIsAdopted() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT name FROM t WHERE id = $1")
        try await f.connection.prepare(name: target.name, sql: target.sql)
        let r = try await f.run("SELECT name FROM t WHERE id = $1", [.text("3")])
        #expect(r[0]["name"] == "n3")
        #expect(f.cache.statistics.repreparesNameExists == 1)
        #expect(f.cache.statistics.misses == 0, "adopted, not prepared again")
        #expect(f.cache.count == 1)
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("4")])
        #expect(f.cache.statistics.hits == 1)
    }

    @Test func anExistingStatementOfAnotherTextIsReplaced() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT name FROM t WHERE id = $1")
        try await f.connection.prepare(name: target.name, sql: "SELECT 'impostor'::text AS name, $1::int AS x")
        let r = try await f.run("SELECT name FROM t WHERE id = $1", [.text("3")])
        #expect(r[0]["name"] == "n3")
        #expect(r.columnCount == 1)
        #expect(f.cache.statistics.repreparesNameExists == 1)
        let text = try await f.connection.query("SELECT statement FROM pg_prepared_statements WHERE name = $1", [target.name])[0].text(0)
        #expect(text == target.sql)
    }

    @Test func inATransactionUnverifiedTargetsWithLiftedLiteralsRunPlainly() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT name FROM t WHERE id = $1")
        let int4 = StatementVariant.name(target.name, declaredTypes: [.int4])
        _ = try await f.connection.simpleQuery("BEGIN")
        // nothing of this target has prepared anywhere: its text might not parse
        _ = try await f.run("SELECT name FROM t WHERE id = 1")
        #expect(try await f.prepared(int4) == 0)
        // A query that parses exactly like the target is safe to prepare inside the transaction.
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        #expect(try await f.prepared(target.name) == 1)
        // Now the grammar is known to take a parameter there, and a number declared with its own
        // type is analysed like the constant: the literal's statement prepares inside the transaction.
        _ = try await f.run("SELECT name FROM t WHERE id = 2")
        #expect(try await f.prepared(int4) == 1)
        _ = try await f.run("SELECT name FROM t WHERE id = 3")
        #expect(f.cache.statistics.hits == 1)
        _ = try await f.connection.simpleQuery("COMMIT")

        // A lifted string is unknown-typed and resolved by its context, which declared numbers
        // beside it may change: that statement must have prepared itself before.
        let mixed = try f.registry.register("SELECT id FROM t WHERE id = $1 AND name = $2")
        let mixedInt4 = StatementVariant.name(mixed.name, declaredTypes: [.int4, .unspecified])
        _ = try await f.run("SELECT id FROM t WHERE id = $1 AND name = $2", [.text("1"), .text("n1")])
        _ = try await f.connection.simpleQuery("BEGIN")
        _ = try await f.run("SELECT id FROM t WHERE id = 1 AND name = 'n1'")
        #expect(try await f.prepared(mixedInt4) == 0)
        _ = try await f.connection.simpleQuery("COMMIT")
        _ = try await f.run("SELECT id FROM t WHERE id = 1 AND name = 'n1'")
        #expect(try await f.prepared(mixedInt4) == 1)
        _ = try await f.connection.simpleQuery("BEGIN")
        let hits = f.cache.statistics.hits
        _ = try await f.run("SELECT id FROM t WHERE id = 2 AND name = 'n2'")
        #expect(f.cache.statistics.hits == hits + 1)
        _ = try await f.connection.simpleQuery("COMMIT")
    }

    @Test func aTargetThatDoesNotPrepareFailsLikeThePlainQueryInATransaction() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        try f.registry.register("SELECT nope FROM t WHERE id = $1")
        _ = try await f.connection.simpleQuery("BEGIN")
        let error = await #expect(throws: PostgresError.self) {
            try await f.run("select nope from t where id = $1", [.text("1")])
        }
        #expect(error?.sqlState == "42703")
        #expect(error?.message == "column \"nope\" does not exist")
        #expect(error?.position == nil, "a position in the target's text would mislead")
        _ = try await f.connection.simpleQuery("ROLLBACK")
    }

    @Test func automaticPreparationPreparesAHotShape() async throws {
        let f = try await Fixture(registry: PrepareTargetRegistry(autoPrepareThreshold: 3))
        defer { f.connection.close() }
        for id in 1...5 {
            let r = try await f.run("SELECT name FROM t WHERE id = \(id) AND name <> 'x'")
            #expect(r[0]["name"] == "n\(id)")
        }
        #expect(f.registry.targets.count == 1)
        #expect(f.cache.statistics.misses == 1)
        #expect(f.cache.statistics.hits == 2)
        #expect(f.cache.statistics.plainExecutions == 2)
    }

    @Test func theBlockingPathSharesTheDecisions() throws {
        let connection = try TestServer.connect()
        defer { connection.close() }
        let schema = TestServer.uniqueName("stmt")
        _ = try connection.simpleQuery("CREATE SCHEMA \(schema); SET search_path TO \(schema)")
        for sql in Self.setup { _ = try connection.simpleQuery(sql) }
        let registry = PrepareTargetRegistry()
        try registry.register("SELECT * FROM t WHERE id = $1")
        let runner = StatementRunner(registry: registry)
        let cache = StatementCache()
        let query = Normalizer().normalize("SELECT * FROM t WHERE id = $1")
        #expect(try runner.execute(query, [.text("2")], on: connection, cache: cache)[0]["name"] == "n2")
        _ = try connection.simpleQuery("ALTER TABLE t ADD COLUMN extra int")
        #expect(try runner.execute(query, [.text("2")], on: connection, cache: cache).columnCount == 4)
        #expect(cache.statistics.repreparesPlanChanged == 1)
        // miss (1), then the stale execute (1) and DEALLOCATE + prepare + describe + execute (1)
        #expect(cache.statistics.roundTrips == 3)
    }

    @Test func aLostConnectionIsNeverRetried() async throws {
        let f = try await Fixture()
        let killer = try await TestServer.connect()
        defer { killer.close() }
        try f.registry.register("SELECT name FROM t WHERE id = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        _ = try await killer.query("SELECT pg_terminate_backend($1)", [Int(f.connection.backendPID)])
        try await TestServer.waitUntil("the backend is gone") {
            try await killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [Int(f.connection.backendPID)])[0].decode(Int.self, column: 0) == 0
        }
        let error = await #expect(throws: PostgresError.self) {
            try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        }
        #expect(error?.kind == .connectionLost)
        #expect(f.cache.statistics.roundTrips == 2)
    }
}

@Suite("Statements: runner in transactions")
struct StatementRunnerTransactionTests {
    typealias Fixture = StatementRunnerTests.Fixture

    @Test func aTakenNameInsideATransactionGivesAClearError() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT name FROM t WHERE id = $1")
        try await f.connection.prepare(name: target.name, sql: "SELECT 1")
        _ = try await f.connection.simpleQuery("BEGIN")
        let error = await #expect(throws: PostgresError.self) {
            try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        }
        #expect(error?.sqlState == "42P05")
        #expect(error?.message.contains("already taken on this connection") == true)
        _ = try await f.connection.simpleQuery("ROLLBACK")
        // Outside the transaction the impostor is replaced.
        #expect(try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])[0]["name"] == "n1")
    }

    @Test func aStaleStatementIsNotReusedInsideATransaction() async throws {
        let f = try await Fixture()
        defer { f.connection.close() }
        let target = try f.registry.register("SELECT * FROM t WHERE id = $1")
        _ = try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")])
        _ = try await f.connection.simpleQuery("ALTER TABLE t ADD COLUMN extra int")
        _ = try await f.connection.simpleQuery("BEGIN")
        _ = await #expect(throws: PostgresError.self) { try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")]) }
        _ = try await f.connection.simpleQuery("ROLLBACK; BEGIN")
        // The stale statement waits for its DEALLOCATE, which is not sent inside a transaction:
        // the query runs plainly meanwhile.
        #expect(f.cache.pendingDeallocation == [target.name])
        #expect(try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")]).columnCount == 4)
        #expect(f.cache.statistics.plainExecutions == 1)
        _ = try await f.connection.simpleQuery("COMMIT")
        #expect(try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")]).columnCount == 4)
        #expect(f.cache.pendingDeallocation.isEmpty)
        #expect(f.cache.statistics.deallocations == 1)
    }

    @Test func aFailedDeallocationNeverLetsAStaleStatementBeReused() async throws {
        // Evicted statement a and stale statement b both wait for deallocation; a's DEALLOCATE
        // fails (it was deallocated behind the cache's back), which skips b's. b must then not be
        // prepared (its name is still taken by the stale version) nor adopted: the query runs
        // plainly, and b goes with the next statement.
        let f = try await Fixture(cache: StatementCache(maxPreparedStatements: 1))
        defer { f.connection.close() }
        let a = try f.registry.register("SELECT name FROM t WHERE id = $1")
        let b = try f.registry.register("SELECT * FROM t WHERE id = $1")
        _ = try await f.run("SELECT name FROM t WHERE id = $1", [.text("1")])
        _ = try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")])  // evicts a
        // (separate requests: in one simple query, BEGIN would pull the ALTER into its transaction)
        _ = try await f.connection.simpleQuery("ALTER TABLE t ADD COLUMN extra int DEFAULT 5; DEALLOCATE \(a.name)")
        _ = try await f.connection.simpleQuery("BEGIN")
        _ = await #expect(throws: PostgresError.self) { try await f.run("SELECT * FROM t WHERE id = $1", [.text("1")]) }
        _ = try await f.connection.simpleQuery("ROLLBACK")
        #expect(f.cache.pendingDeallocation == [a.name, b.name])
        let r = try await f.run("SELECT * FROM t WHERE id = $1", [.text("2")])
        #expect(r.columnCount == 4)
        #expect(r[0]["extra"] == "5")
        #expect(try await StatementTesting.preparedNames(f.connection) == [b.name])
        #expect(f.cache.pendingDeallocation == [b.name])
        // The next statement outside a transaction deallocates it, and b is prepared afresh.
        #expect(try await f.run("SELECT * FROM t WHERE id = $1", [.text("3")])[0]["extra"] == "5")
        #expect(try await StatementTesting.preparedNames(f.connection) == [b.name])
        #expect(f.cache.pendingDeallocation.isEmpty)
        #expect(f.cache.statistics.deallocations == 1)
    }
}
