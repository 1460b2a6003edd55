import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// Random bytes and random SQL fragments: the normaliser never crashes, always finishes, and its
/// output is self-consistent.
@Suite struct NormalizerFuzzTests {
    static let fragments = [
        "'", "''", "\"", "$$", "$a$", "$1", "$", "/*", "*/", "--", "\n", " ", "\t", "E'", "e'", "U&'", "U&\"", "u&",
        "UESCAPE", " uescape '!'", "'!'", "\\", "\\u", "\\x4", "\\0", "?", "%s", "%%", "%", "0x", "0b1", "1e", "1.5",
        "_", "1_0", "42", "-", "+", "::", ":=", "=>", "..", ".", "(", ")", "[", "]", ",", ";", "select", "SELECT", "from",
        "where", "order by", "group by", "limit", "into", "temp", "with", "hold", "set", "local", "begin", "commit",
        "rollback to", "date", "varchar(", "é", "😀", "\u{0}", "x'", "b'", "n'", "@-", "<>", "!=", "=", "*", "/", "a", "Z",
    ]

    static func check(_ q: NormalizedQuery) {
        #expect(q.isLexable == (q.kind != .unlexable))
        #expect(q.fingerprint == Fingerprint.fnv1a(Array(q.canonical.utf8)))
        #expect(q.transactionCommand == nil || q.kind == .transactionControl)
        #expect(q.literals.count <= q.sql.utf8.count)
        let bytes = Array(q.sql.utf8)
        for literal in q.literals {
            let text = Array(literal.text.utf8)
            #expect(literal.position >= 0 && literal.position + text.count <= bytes.count)
        }
    }

    /// The two random tests yield every hundred inputs, like `pathologicalInputsFinishQuickly`.
    @Test func randomBytesNeverCrash() async {
        var rng = SeededGenerator(seed: 1)
        for i in 0..<3000 {
            if i % 100 == 0 { await Task.yield() }
            let length = Int.random(in: 0...120, using: &rng)
            let bytes = (0..<length).map { _ -> UInt8 in
                // Bias towards ASCII punctuation, where the lexer's branches are.
                Bool.random(using: &rng) ? UInt8.random(in: 0x20...0x7E, using: &rng) : UInt8.random(in: 0...255, using: &rng)
            }
            let sql = String(decoding: bytes, as: UTF8.self)
            for style in PlaceholderStyle.allCases {
                Self.check(Normalizer(style: style).normalize(sql))
            }
        }
    }

    @Test func randomFragmentsNeverCrashAndCanonicalIsAFixedPoint() async {
        var rng = SeededGenerator(seed: 2)
        var lexable = 0
        for i in 0..<4000 {
            if i % 100 == 0 { await Task.yield() }
            let sql = (0..<Int.random(in: 1...30, using: &rng)).map { _ in
                Self.fragments.randomElement(using: &rng)! + (Bool.random(using: &rng) ? " " : "")
            }.joined()
            for style in PlaceholderStyle.allCases {
                let q = Normalizer(style: style).normalize(sql)
                Self.check(q)
                guard q.isLexable else { continue }
                lexable += 1
                // The canonical text is itself SQL with the same shape.
                let again = Normalizer().normalize(q.canonical)
                #expect(again.canonical == q.canonical, "\(sql.debugDescription) -> \(q.canonical.debugDescription)")
                #expect(again.kind == q.kind, "\(sql.debugDescription)")
            }
        }
        #expect(lexable > 500)
    }

    @Test func corpusCanonicalIsAFixedPoint() {
        for c in NormalizerFixtures.corpus.cases {
            let q = Normalizer(style: NormalizerFixtures.style(c.style)).normalize(c.sql)
            guard q.isLexable else { continue }
            let again = Normalizer().normalize(q.canonical)
            #expect(again.canonical == q.canonical, "\(c.sql.debugDescription)")
            #expect(again.kind == q.kind, "\(c.sql.debugDescription)")
        }
    }

    /// Inputs built to make a careless lexer quadratic or deeply recursive finish quickly.
    ///
    /// Seconds of CPU in all: it yields between inputs, so that it never holds a thread of the
    /// cooperative pool (one per core) for long. Two such tests at once on a 2-core machine
    /// otherwise froze every async test beside them, and the library's timers with them.
    @Test func pathologicalInputsFinishQuickly() async {
        let tag = String(repeating: "a", count: 20_000)
        let inputs = [
            "select $" + tag + "$" + String(repeating: "$" + tag.dropLast() + "b", count: 10) + "$" + tag + "$",
            "select $" + tag + "$" + String(repeating: "$" + tag.dropLast(), count: 10),
            String(repeating: "/*", count: 100_000) + String(repeating: "*/", count: 100_000) + " select 1",
            "select " + String(repeating: "'a'\n", count: 50_000),
            "select " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
            "select " + String(repeating: "+-", count: 100_000) + "1",
            String(repeating: "select 1; ", count: 20_000),
            "select E'" + String(repeating: "\\\\", count: 100_000) + "'",
            String(repeating: "--\n", count: 100_000),
            "select " + String(repeating: "?", count: 70_000),
        ]
        let clock = ContinuousClock()
        for input in inputs {
            for style in PlaceholderStyle.allCases {
                let elapsed = clock.measure { Self.check(Normalizer(style: style).normalize(input)) }
                #expect(elapsed < .seconds(3), "\(input.prefix(40))... took \(elapsed)")
                await Task.yield()
            }
        }
    }
}
