import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

/// Lifted literals are prepared with their own type: every literal kind against every
/// column type, plain and rewritten must agree (rows, column types, command tags, errors), and
/// numbers that the plain query accepts must run prepared, with no type fallback.
@Suite("Statements: literal typing differential")
struct LiteralTypingDifferentialTests {
    static let setup = [
        """
        CREATE TABLE lt (id int4 PRIMARY KEY, s int2, i int4, b int8, n numeric(14,3), r float4, f float8, t text,
                         ts timestamptz, flag bool, bits bit(3))
        """,
        """
        INSERT INTO lt SELECT g, g, g * 1000, g * 1000000000::int8, g * 1.5, g * 0.5, g * 0.25, 'v' || g,
                              '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 day', g % 2 = 0, B'101'
                         FROM generate_series(1, 40) g
        """,
        "UPDATE lt SET s = 7, i = 7, b = 7, n = 7, r = 7, f = 7, t = '7' WHERE id = 7",
        "UPDATE lt SET n = 1.5, r = 1.5, f = 1.5 WHERE id = 2",
    ]

    static let columns = ["s", "i", "b", "n", "r", "f", "t", "ts", "flag"]

    static let integers = ["7", "-7", "0", "32767", "32768", "-32769", "100000", "2147483647", "-2147483648", "2147483648",
                           "- 7", "5000000000", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
                           "99999999999999999999", "007"]
    static let decimals = ["1.5", "-2.25", "0.1", ".5", "5.", "1.500", "7.0", "-0.0"]
    static let exponents = ["1e3", "2.5E-2", "-1e10", "1e400", "7e0", "1.5e+0"]
    static let strings = ["'7'", "'abc'", "'2024-01-05 00:00:00+00'", "'true'", "'1.5'", "'-7'", "'100000'", "E'v\\x31'"]
    static let bitStrings = ["B'101'", "X'5'", "b'1'"]
    static var numbers: [String] { integers + decimals + exponents }
    static var all: [String] { numbers + strings + bitStrings + ["true", "NULL"] }

    /// Two connections in schemas of their own with the same data; one runs plainly, the other
    /// through the statement layer.
    struct Sides {
        let plain: Connection
        let rewritten: Connection
        let registry = PrepareTargetRegistry()
        let runner: StatementRunner
        let cache = StatementCache()

        init() async throws {
            plain = try await TestServer.connect()
            rewritten = try await TestServer.connect()
            _ = try await StatementTesting.isolate(plain, setup: LiteralTypingDifferentialTests.setup)
            _ = try await StatementTesting.isolate(rewritten, setup: LiteralTypingDifferentialTests.setup)
            runner = StatementRunner(registry: registry)
        }

        func close() {
            plain.close()
            rewritten.close()
        }

        /// Runs `sql` on both sides twice; returns the plain outcome and whether the second
        /// rewritten run executed a prepared statement.
        @discardableResult
        func compare(_ sql: String, _ parameters: [PostgresBind] = [], sourceLocation: SourceLocation = #_sourceLocation) async -> (StatementOutcome, Bool) {
            let query = StatementTesting.shapes.normalize(sql, style: .dollar)
            let expected = await StatementOutcome { try await plain.query(sql, parameters) }
            var prepared = false
            for round in 1...2 {
                let hits = cache.statistics.hits
                let actual = await StatementOutcome { try await runner.execute(query, parameters, on: rewritten, cache: cache) }
                #expect(actual == expected, "\(sql), round \(round): rewritten \(actual) but plain \(expected)", sourceLocation: sourceLocation)
                if round == 2 { prepared = cache.statistics.hits > hits }
            }
            #expect(plain.transactionStatus == .idle && rewritten.transactionStatus == .idle, sourceLocation: sourceLocation)
            return (expected, prepared)
        }
    }

    static func succeeded(_ outcome: StatementOutcome) -> Bool {
        if case .rows = outcome { return true } else { return false }
    }

    @Test func everyLiteralKindAgainstEveryColumnType() async throws {
        let sides = try await Sides()
        defer { sides.close() }
        for c in Self.columns { try sides.registry.register("SELECT id, \(c) FROM lt WHERE \(c) = $1 ORDER BY id") }
        try sides.registry.register("SELECT id, bits FROM lt WHERE bits = B'101' ORDER BY id")
        var preparedNumbers = 0
        for c in Self.columns {
            for literal in Self.all {
                let (outcome, prepared) = await sides.compare("SELECT id, \(c) FROM lt WHERE \(c) = \(literal) ORDER BY id")
                if Self.numbers.contains(literal) && Self.succeeded(outcome) {
                    #expect(prepared, "\(c) = \(literal) should run prepared")
                    preparedNumbers += 1
                }
            }
        }
        // a bit string stays in the shape: it matches a target that has the same constant
        #expect(await sides.compare("select id, bits from lt where bits = b'101' order by id").1)
        #expect(sides.cache.statistics.typeMismatchFallbacks == 0, "\(sides.cache.statistics)")
        #expect(preparedNumbers > 100, "\(preparedNumbers)")
    }

    @Test func limitOffsetInBetweenAndArithmetic() async throws {
        let sides = try await Sides()
        defer { sides.close() }
        let targets = [
            "SELECT id FROM lt ORDER BY id LIMIT $1 OFFSET $2",
            "SELECT id FROM lt WHERE b IN ($1, $2, $3) ORDER BY id",
            "SELECT id FROM lt WHERE s IN ($1, $2) ORDER BY id",
            "SELECT id FROM lt WHERE b BETWEEN $1 AND $2 ORDER BY id",
            "SELECT id, n * $1 AS price2, f * $2 AS f2, s + $3 AS s3, i - $4 AS i4 FROM lt WHERE id = $5",
            "SELECT $1 AS v",
            "SELECT id, s FROM lt WHERE s = $1 AND f > $2 ORDER BY id",
            "UPDATE lt SET s = $1 WHERE id = $2 RETURNING id, s",
            "SELECT id FROM lt WHERE ts < $1 ORDER BY id",
        ]
        for sql in targets { try sides.registry.register(sql) }
        let pool = Self.numbers + ["'3'", "'-1'", "NULL"]
        var rng = SeededGenerator(seed: 17)
        func pick() -> String { pool.randomElement(using: &rng)! }
        var mustPrepare: [String] = [
            "SELECT id FROM lt ORDER BY id LIMIT 5 OFFSET 3",
            "SELECT id FROM lt ORDER BY id LIMIT 2147483648 OFFSET 0",
            "SELECT id FROM lt ORDER BY id LIMIT 1.5 OFFSET 1e1",
            "SELECT id FROM lt WHERE b IN (1000000000, 3000000000, 99999999999999999999) ORDER BY id",
            "SELECT id FROM lt WHERE b IN (7, -1, 2.0e9) ORDER BY id",
            "SELECT id FROM lt WHERE s IN (7, 100000) ORDER BY id",
            "SELECT id FROM lt WHERE b BETWEEN 1000000000 AND 5000000000 ORDER BY id",
            "SELECT id FROM lt WHERE b BETWEEN -5 AND 7.5 ORDER BY id",
            "SELECT id, n * 2 AS price2, f * 2 AS f2, s + 2 AS s3, i - 2 AS i4 FROM lt WHERE id = 3",
            "SELECT id, n * 2.5 AS price2, f * 1e0 AS f2, s + 100000 AS s3, i - 5000000000 AS i4 FROM lt WHERE id = 3",
            "SELECT id, n * -2 AS price2, f * - 2 AS f2, s + -32768 AS s3, i - -2147483648 AS i4 FROM lt WHERE id = 3",
            "SELECT -2147483648 AS v", "SELECT 2147483648 AS v", "SELECT 9223372036854775808 AS v", "SELECT -1.50 AS v", "SELECT 1e3 AS v",
            "SELECT id, s FROM lt WHERE s = 7 AND f > 1.5 ORDER BY id",
        ]
        for _ in 0..<40 { mustPrepare.append("SELECT id FROM lt WHERE b IN (\(pick()), \(pick()), \(pick())) ORDER BY id") }
        for sql in mustPrepare {
            let (outcome, prepared) = await sides.compare(sql)
            if Self.succeeded(outcome) && !sql.contains("'") && !sql.contains("NULL") { #expect(prepared, "\(sql) should run prepared") }
        }
        // overflow: the same error both ways (a smallint column and an int4 result)
        for sql in [
            "UPDATE lt SET s = 100000 WHERE id = 1 RETURNING id, s",
            "UPDATE lt SET s = -32769 WHERE id = 1 RETURNING id, s",
            "SELECT id, n * 2 AS price2, f * 2 AS f2, s + 2147483647 AS s3, i - 2 AS i4 FROM lt WHERE id = 3",
            "SELECT id, n * 2 AS price2, f * 1e400 AS f2, s + 1 AS s3, i - 2 AS i4 FROM lt WHERE id = 3",
            "SELECT id, s FROM lt WHERE s = 7 AND f > 1e400 ORDER BY id",
            "SELECT id FROM lt ORDER BY id LIMIT -1 OFFSET 0",
        ] {
            let (outcome, _) = await sides.compare(sql)
            #expect(!Self.succeeded(outcome), "\(sql) should fail both ways")
        }
        // strings and NULL keep their unknown type: same outcome (prepared or not)
        for sql in ["SELECT id FROM lt ORDER BY id LIMIT '3' OFFSET NULL", "SELECT 'x' AS v", "SELECT id FROM lt WHERE ts < '2024-01-04' ORDER BY id",
                    "SELECT id FROM lt WHERE ts < 7 ORDER BY id", "UPDATE lt SET s = 'abc' WHERE id = 1 RETURNING id, s"] {
            await sides.compare(sql)
        }
        #expect(sides.cache.statistics.typeMismatchFallbacks == 0, "\(sides.cache.statistics)")
    }

    /// The held-out kind of ORM-style queries: all of them run prepared now.
    @Test func ormStyleQueriesRunPrepared() async throws {
        let sides = try await Sides()
        defer { sides.close() }
        let cases: [(target: String, query: String)] = [
            ("SELECT id, t FROM lt WHERE b = $1", "SELECT id, t FROM lt WHERE b = 3000000000"),
            ("SELECT id, t FROM lt WHERE b = $1", "SELECT id, t FROM lt WHERE b = 4242"),
            ("SELECT id FROM lt ORDER BY id LIMIT $1", "SELECT id FROM lt ORDER BY id LIMIT 21"),
            ("SELECT id FROM lt ORDER BY id LIMIT $1 OFFSET $2", "SELECT id FROM lt ORDER BY id LIMIT 5 OFFSET 40"),
            ("SELECT id FROM lt WHERE s = $1", "SELECT id FROM lt WHERE s = 12"),
            ("SELECT id FROM lt WHERE f > $1 ORDER BY id", "SELECT id FROM lt WHERE f > 7.25 ORDER BY id"),
            ("SELECT id FROM lt WHERE b BETWEEN $1 AND $2 ORDER BY id", "SELECT id FROM lt WHERE b BETWEEN 1000000000 AND 9000000000 ORDER BY id"),
            ("SELECT id, n * $1 AS total FROM lt WHERE id = $2", "SELECT id, n * 2 AS total FROM lt WHERE id = 4"),
            ("SELECT id FROM lt WHERE i IN ($1, $2, $3) ORDER BY id", "SELECT id FROM lt WHERE i IN (1000, 2000, 3000) ORDER BY id"),
            ("SELECT id FROM lt WHERE n >= $1 ORDER BY id", "SELECT id FROM lt WHERE n >= 10 ORDER BY id"),
            ("SELECT id FROM lt WHERE r < $1 ORDER BY id", "SELECT id FROM lt WHERE r < 2.5 ORDER BY id"),
            ("SELECT id FROM lt WHERE b = $1 AND flag = $2", "SELECT id FROM lt WHERE b = -1 AND flag = 'true'"),
        ]
        for c in cases { try sides.registry.register(c.target) }
        var prepared = 0
        for c in cases where await sides.compare(c.query).1 { prepared += 1 }
        #expect(prepared == cases.count)
        #expect(sides.cache.statistics.typeMismatchFallbacks == 0, "\(sides.cache.statistics)")
    }

    /// Random literals at random positions of random targets, plain against rewritten.
    @Test func randomLiteralsAtRandomPositions() async throws {
        let sides = try await Sides()
        defer { sides.close() }
        // each template: the target's text with `{}` where a literal or $n goes
        let templates = [
            "SELECT id, s, i, b FROM lt WHERE s = {} OR i = {} OR b = {} ORDER BY id",
            "SELECT id, n * {} AS x, f + {} AS y FROM lt WHERE id <= {} ORDER BY id",
            "SELECT id FROM lt WHERE b BETWEEN {} AND {} ORDER BY id LIMIT {}",
            "SELECT id FROM lt WHERE n IN ({}, {}, {}) OR r = {} ORDER BY id",
            "SELECT {} AS a, {} AS b",
            "SELECT id, s - {} AS d FROM lt WHERE i > {} ORDER BY id OFFSET {}",
            "SELECT count(*) AS c, sum(i * {}) AS s FROM lt WHERE f < {}",
            "SELECT id FROM lt WHERE t = {} OR s = {} ORDER BY id",
        ]
        func fill(_ template: String, _ values: [String]) -> String {
            var out = ""
            var k = 0
            for part in template.components(separatedBy: "{}") {
                out += part
                if k < values.count { out += values[k] }
                k += 1
            }
            return out
        }
        for template in templates {
            let n = template.components(separatedBy: "{}").count - 1
            try sides.registry.register(fill(template, (1...n).map { "$\($0)" }))
        }
        var rng = SeededGenerator(seed: 0x17_2026)
        func randomLiteral() -> String {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return String(Int.random(in: -40...40, using: &rng))
            case 1: return String(Int64.random(in: Int64.min...Int64.max, using: &rng))
            case 2: return String(Int.random(in: -40_000...40_000, using: &rng))
            case 3: return ["2147483647", "-2147483648", "2147483648", "32767", "32768", "9223372036854775808", "-9223372036854775808"].randomElement(using: &rng)!
            case 4: return String(format: "%.3f", Double.random(in: -100...100, using: &rng))
            case 5: return "\(Int.random(in: 1...9, using: &rng))e\(Int.random(in: -3...20, using: &rng))"
            case 6: return "- \(Int.random(in: 0...50, using: &rng))"
            case 7: return "'\(Int.random(in: -5...50, using: &rng))'"
            case 8: return ["'v3'", "'x''y'", "'1.5'", "NULL", "'2024-01-05'"].randomElement(using: &rng)!
            default: return String(UInt64.random(in: 0...UInt64.max, using: &rng)) + "0"
            }
        }
        var preparedRuns = 0
        for _ in 0..<150 {
            let template = templates.randomElement(using: &rng)!
            let n = template.components(separatedBy: "{}").count - 1
            let values = (0..<n).map { _ in randomLiteral() }
            let (outcome, prepared) = await sides.compare(fill(template, values))
            if prepared { preparedRuns += 1 }
            _ = outcome
        }
        #expect(preparedRuns > 40, "\(preparedRuns) of 150 ran prepared")
        #expect(sides.cache.statistics.typeMismatchFallbacks == 0, "\(sides.cache.statistics)")
    }
}
