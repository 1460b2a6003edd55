import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// Plain and rewritten execution must be indistinguishable: same rows, column types, command tags
/// and errors, for every case of Fixtures/statements/differential.json.
@Suite("Statements: differential")
struct StatementDifferentialTests {
    @Test func plainAndRewrittenExecutionAgree() async throws {
        let corpus = StatementFixtures.corpus
        let plain = try await TestServer.connect()
        defer { plain.close() }
        let rewritten = try await TestServer.connect()
        defer { rewritten.close() }
        _ = try await StatementTesting.isolate(plain, setup: corpus.setup)
        _ = try await StatementTesting.isolate(rewritten, setup: corpus.setup)

        let registry = PrepareTargetRegistry()
        for target in corpus.targets {
            try registry.register(target.sql, style: StatementFixtures.style(target.style))
        }
        let runner = StatementRunner(registry: registry)
        let cache = StatementCache()

        for c in corpus.cases {
            let query = Normalizer(style: StatementFixtures.style(c.style)).normalize(c.sql)
            let parameters = c.params.map { $0?.bind ?? .null }
            // Round 1 prepares (a miss), round 2 executes the cached statement (async), round 3
            // the same through the blocking path.
            for round in 1...3 {
                let before = cache.statistics
                let expected = await StatementOutcome { try await plain.query(query.executableSQL, parameters) }
                let actual: StatementOutcome
                if round < 3 {
                    actual = await StatementOutcome { try await runner.execute(query, parameters, on: rewritten, cache: cache) }
                } else {
                    actual = StatementOutcome { try runner.execute(query, parameters, on: rewritten, cache: cache) }
                }
                #expect(actual == expected, "\(c.name), round \(round): rewritten \(actual) but plain \(expected)")
                if round >= 2 {
                    let prepared = cache.statistics.hits > before.hits
                    #expect(prepared == (c.expect == "prepared"),
                            "\(c.name), round \(round): expected \(c.expect), ran \(prepared ? "prepared" : "plain")")
                }
                #expect(plain.transactionStatus == .idle && rewritten.transactionStatus == .idle)
            }
        }
        // The corpus exercises both paths in earnest.
        let s = cache.statistics
        #expect(s.hits >= 80, "\(s)")
        #expect(s.typeMismatchFallbacks >= 3, "\(s)")
        #expect(s.plainExecutions >= 30, "\(s)")
        print("differential: \(corpus.cases.count) cases, \(s)")
    }
}
