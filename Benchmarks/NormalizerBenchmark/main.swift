// Normaliser micro-benchmark: full normalisation (placeholder conversion, lexing, shape, literal
// lifting, classification, fingerprint) of a ~1 KB query, and a ShapeCache hit for the same text.
// Build in release: `swift build -c release` and run the `NormalizerBenchmark` executable.
import Foundation
import RealPool

/// A realistic ~1 KB query: joins, literals of every kind, comments, an IN list, ORDER BY / LIMIT.
func makeQuery() -> String {
    var sql = """
        /* dashboard: recent orders */
        SELECT o.id, o.created_at, c.name AS customer_name, c.email, sum(l.quantity * l.unit_price) AS total,
               count(DISTINCT l.product_id) AS products, coalesce(o.note, 'n/a') AS note
          FROM orders o
          JOIN customers c ON c.id = o.customer_id
          LEFT JOIN order_lines l ON l.order_id = o.id AND l.cancelled = false
         WHERE o.status IN ('paid', 'shipped', 'delivered')
           AND o.created_at >= timestamp '2024-01-01 00:00:00' - interval '30 days'
           AND c.country = E'Fran\\u00e7e' -- escaped
           AND o.amount BETWEEN 10.50 AND 99999.99
           AND o.flags & 4 = 0 AND c.score > -1.5e3
           AND o.id = ANY('{1,2,3}'::bigint[]) AND l.sku LIKE $$AB-%$$
        """
    while sql.utf8.count < 950 {
        sql += "\n   AND o.region_id <> \(sql.utf8.count)"
    }
    return sql + "\n GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC LIMIT 50 OFFSET 100;"
}

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

func measure(_ label: String, iterations: Int, _ body: () -> Void) {
    let clock = ContinuousClock()
    for _ in 0..<(iterations / 10) { body() }  // warm up
    var best = Duration.seconds(1000)
    for _ in 0..<5 {
        let elapsed = clock.measure {
            for _ in 0..<iterations { body() }
        }
        best = min(best, elapsed)
    }
    let (seconds, attoseconds) = best.components
    let nanoseconds = (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations)
    let rounded = (nanoseconds * 10).rounded() / 10
    print("\(label): \(rounded) ns/op (best of 5 x \(iterations))")
}

let sql = makeQuery()
print("query: \(sql.utf8.count) bytes")
let normalizer = Normalizer()
let sample = normalizer.normalize(sql)
print("kind: \(sample.kind), literals: \(sample.literals.count), fingerprint: \(sample.fingerprintHex)")
measure("normalize 1 KB (lex + shape + fingerprint)", iterations: 20_000) {
    blackHole(normalizer.normalize(sql))
}
let questionSQL = sql.replacingOccurrences(of: "$$AB-%$$", with: "?")
let questionNormalizer = Normalizer(style: .question)
measure("normalize 1 KB, question style", iterations: 20_000) {
    blackHole(questionNormalizer.normalize(questionSQL))
}
let cache = ShapeCache()
_ = cache.normalize(sql, style: .dollar)
measure("ShapeCache hit, 1 KB text", iterations: 1_000_000) {
    blackHole(cache.normalize(sql, style: .dollar))
}
let short = "select * from users where id = $1"
_ = cache.normalize(short, style: .dollar)
measure("ShapeCache hit, short text", iterations: 1_000_000) {
    blackHole(cache.normalize(short, style: .dollar))
}
let target = normalizer.normalize("select * from users where status = 'active' and id = $1")
let query = normalizer.normalize("select * from users where status = 'active' and id = 42")
measure("match against a target", iterations: 1_000_000) {
    blackHole(query.match(against: target))
}
