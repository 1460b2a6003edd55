import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

@Suite struct ShapeCacheTests {
    @Test func returnsTheSameShapeAsTheNormalizer() {
        let cache = ShapeCache(capacity: 16)
        let sql = "select * from t where a = ? and b = 'x'"
        let cached = cache.normalize(sql, style: .question)
        let direct = Normalizer(style: .question).normalize(sql)
        #expect(cached.canonical == direct.canonical)
        #expect(cached.executableSQL == direct.executableSQL)
        #expect(cached.literals == direct.literals)
        #expect(cache.count == 1)
        _ = cache.normalize(sql, style: .question)
        #expect(cache.count == 1)
    }

    @Test func styleIsPartOfTheKey() {
        let cache = ShapeCache()
        let dollar = cache.normalize("select a ? b", style: .dollar)
        let question = cache.normalize("select a ? b", style: .question)
        #expect(dollar.canonical == "select a ? b")
        #expect(question.executableSQL == "select a $1 b")
        #expect(cache.count == 2)
    }

    @Test func isBounded() {
        let cache = ShapeCache(capacity: 8)
        for i in 0..<100 {
            _ = cache.normalize("select \(i)", style: .dollar)
            #expect(cache.count <= 8)
        }
        #expect(cache.count == 8)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test func isSafeToShareBetweenTasks() async {
        let cache = ShapeCache(capacity: 64)
        let fingerprints = await withTaskGroup(of: Set<UInt64>.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var seen = Set<UInt64>()
                    for i in 0..<500 {
                        seen.insert(cache.normalize("select * from t where id = \((i + task) % 100)", style: .dollar).fingerprint)
                    }
                    return seen
                }
            }
            var all = Set<UInt64>()
            for await seen in group { all.formUnion(seen) }
            return all
        }
        #expect(fingerprints.count == 1)
        #expect(cache.count <= 64)
    }
}

@Suite("ShapeCache bounds")
struct ShapeCacheBoundTests {
    @Test func hugeTextsAreNormalisedButNotCached() {
        let cache = ShapeCache(capacity: 8, maxCachedTextBytes: 1024)
        let huge = "SELECT 1 -- " + String(repeating: "x", count: 4096)
        #expect(cache.normalize(huge, style: .dollar).kind == .preparable)
        #expect(cache.count == 0)
        _ = cache.normalize("SELECT 2", style: .dollar)
        #expect(cache.count == 1)
    }
}
