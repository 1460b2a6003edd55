import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// The decision machine without a server: outcomes are made up, so the rare paths (a timeout, a
/// statement that may have run) are checked exactly.
@Suite("Statements: execution decisions")
struct StatementExecutionTests {
    let registry = PrepareTargetRegistry()
    let cache = StatementCache()
    let target: PrepareTarget

    init() throws {
        target = try registry.register("SELECT name FROM t WHERE id = $1")
    }

    func execution(_ sql: String, _ parameters: [PostgresBind], status: TransactionStatus) -> StatementExecution {
        let query = Normalizer().normalize(sql)
        return StatementExecution(query: query, parameters: parameters, match: registry.resolveMatch(query), registry: registry,
                                  cache: cache, transactionStatus: status)
    }

    func cacheTarget() {
        cache.put(StatementCache.Entry(name: target.name, sql: target.sql, parameterTypes: [.int4], columns: []))
    }

    func steps(_ next: StatementExecution.Next) -> [String] {
        guard case .send(let steps) = next else { return [] }
        return steps.map { step in
            switch step {
            case .query(let sql, _): return "query \(sql)"
            case .prepare(let name, _, _): return "prepare \(name)"
            case .executePrepared(let name, _): return "execute \(name)"
            case .describePrepared(let name): return "describe \(name)"
            }
        }
    }

    static func serverError(_ sqlState: String, routine: String? = nil) -> PostgresError {
        PostgresError(.server, "boom", sqlState: sqlState, routine: routine)
    }

    @Test func aHitSendsOneExecute() {
        cacheTarget()
        var e = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .idle)
        #expect(steps(e.start()) == ["execute \(target.name)"])
        guard case .finished = e.handle([.success(QueryResult(commandTag: "SELECT 1"))], transactionStatus: .idle) else {
            Issue.record("expected the result"); return
        }
        #expect(cache.statistics.hits == 1)
    }

    @Test func aMissPreparesDescribesAndExecutesInOneRequest() {
        var e = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .idle)
        #expect(steps(e.start()) == ["prepare \(target.name)", "describe \(target.name)", "execute \(target.name)"])
    }

    @Test func aTimeoutOrCancellationIsNeverRetried() {
        for error in [PostgresError(.timeout, "slow", sqlState: "57014"), PostgresError(.cancelled, "stop", sqlState: "57014"),
                      Self.serverError("40001")] {
            cacheTarget()
            var e = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .idle)
            _ = e.start()
            guard case .failed(let thrown) = e.handle([.failure(error)], transactionStatus: .idle) else {
                Issue.record("\(error) must not be retried"); continue
            }
            #expect(thrown.kind == error.kind)
            #expect(cache.get(target.name) != nil, "an execute error does not invalidate the statement")
        }
    }

    @Test func aMissingStatementIsHealedOnceOutsideATransaction() {
        cacheTarget()
        var e = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .idle)
        _ = e.start()
        let retry = e.handle([.failure(Self.serverError("26000"))], transactionStatus: .idle)
        #expect(steps(retry) == ["prepare \(target.name)", "describe \(target.name)", "execute \(target.name)"])
        // A second 26000 (on the retried execute) is not healed again.
        let described = QueryResult(commandTag: "")
        let next = e.handle([.success(QueryResult(commandTag: "")), .success(described), .failure(Self.serverError("26000"))],
                            transactionStatus: .idle)
        guard case .failed(let error) = next else { Issue.record("expected the error"); return }
        #expect(error.sqlState == "26000")
        #expect(error.message == "boom", "the server's own error: no transaction was open")
        #expect(cache.statistics.repreparesMissing == 1)
    }

    @Test func aPlanChangeInsideATransactionIsAnErrorAndTheStatementIsRetired() {
        cacheTarget()
        var e = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .inTransaction)
        _ = e.start()
        let next = e.handle([.failure(Self.serverError("0A000", routine: "RevalidateCachedQuery"))], transactionStatus: .inFailedTransaction)
        guard case .failed(let error) = next else { Issue.record("expected the error"); return }
        #expect(error.sqlState == "0A000")
        #expect(error.message.contains("the schema changed under the open transaction"))
        #expect(cache.get(target.name) == nil)
        #expect(cache.pendingDeallocation == [target.name])
    }

    @Test func anotherFeatureNotSupportedErrorIsNotHealed() {
        cacheTarget()
        var e = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .idle)
        _ = e.start()
        guard case .failed = e.handle([.failure(Self.serverError("0A000", routine: "transformSelectStmt"))], transactionStatus: .idle) else {
            Issue.record("only RevalidateCachedQuery's 0A000 is healed"); return
        }
    }

    @Test func pendingDeallocationsRideAlongOnlyWhenIdle() {
        cache.put(StatementCache.Entry(name: "rp_old", sql: "SELECT 1", parameterTypes: [], columns: []))
        cache.retire("rp_old")
        cacheTarget()
        var idle = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .idle)
        #expect(steps(idle.start()) == ["query DEALLOCATE \"rp_old\"", "execute \(target.name)"])
        var inTransaction = execution("SELECT name FROM t WHERE id = $1", [.text("1")], status: .inTransaction)
        #expect(steps(inTransaction.start()) == ["execute \(target.name)"])
        var utility = execution("VACUUM t", [], status: .idle)
        #expect(steps(utility.start()) == ["query VACUUM t"])
    }

    @Test func theCallersOwnParameterCountMismatchRunsPlainly() {
        cacheTarget()
        var e = execution("SELECT name FROM t WHERE id = $1", [.text("1"), .text("2")], status: .idle)
        #expect(steps(e.start()) == ["query SELECT name FROM t WHERE id = $1"])
    }
}
