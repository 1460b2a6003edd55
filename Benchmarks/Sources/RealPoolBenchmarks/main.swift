import EmbeddedPostgres
import Foundation
import RealPool

// Side-by-side measurements on one server in one run; ratios, not absolute numbers, are what
// this shared, noisy 2-core machine can report honestly.

/// Unbuffered, so progress shows even when the output is a pipe.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "5") ?? 5
let server = try EmbeddedPostgres.start()
defer { server.stop() }
let dsn = server.connectionString

func setup() throws {
    let c = try Connection.connect(ConnectionConfiguration(dsn))
    defer { c.close() }
    _ = try c.simpleQuery("""
        DROP TABLE IF EXISTS bench_accounts;
        CREATE TABLE bench_accounts (id int PRIMARY KEY, balance int NOT NULL, filler text NOT NULL);
        INSERT INTO bench_accounts SELECT g, g % 1000, repeat('x', 80) FROM generate_series(1, 100000) g;
        """)
    _ = try c.simpleQuery("VACUUM ANALYZE bench_accounts")  // not allowed inside the implicit transaction above
}

/// Prepared primary-key lookups on one connection, blocking path (what pgbench does).
func connectionPreparedBlocking() throws -> Double {
    let c = try Connection.connect(ConnectionConfiguration(dsn))
    defer { c.close() }
    try c.prepare(name: "pk", sql: "SELECT balance FROM bench_accounts WHERE id = $1")
    var rng = SystemRandomNumberGenerator()
    let end = Date().addingTimeInterval(seconds)
    var n = 0
    while Date() < end {
        for _ in 0..<100 {
            _ = try c.executePrepared(name: "pk", [Int.random(in: 1...100000, using: &rng)])
        }
        n += 100
    }
    return Double(n) / seconds
}

/// The same on the async path (epoll poller, no parked thread).
func connectionPreparedAsync() async throws -> Double {
    let c = try await Connection.connect(ConnectionConfiguration(dsn))
    defer { c.close() }
    try await c.prepare(name: "pk", sql: "SELECT balance FROM bench_accounts WHERE id = $1")
    let end = Date().addingTimeInterval(seconds)
    var n = 0
    while Date() < end {
        for _ in 0..<100 {
            _ = try await c.executePrepared(name: "pk", [Int.random(in: 1...100000)])
        }
        n += 100
    }
    return Double(n) / seconds
}

let lookupSQL = "SELECT balance FROM bench_accounts WHERE id = $1"

/// Runs `lookups` (each doing 100 lookups with `execute`) for the measurement time; returns
/// lookups per second.
func lookupsPerSecond(_ lookups: () async throws -> Void) async throws -> Double {
    let end = Date().addingTimeInterval(seconds)
    var n = 0
    while Date() < end {
        try await lookups()
        n += 100
    }
    return Double(n) / seconds
}

/// A one-connection Database with the lookup registered as a prepare target.
func lookupDatabase() throws -> Database {
    var pool = PoolConfiguration()
    pool.maxConnections = 1
    let db = Database(DatabaseConfiguration(dsn, pool: pool))
    try db.addPrepareTarget(lookupSQL)
    return db
}

/// The same lookup through the Database (pool of one, release-ASAP, rewriting to the prepared
/// statement): the cost of the layers above the connection.
func databasePrepared() async throws -> Double {
    let db = try lookupDatabase()
    let rate = try await lookupsPerSecond {
        for _ in 0..<100 { _ = try await db.execute(lookupSQL, Int.random(in: 1...100000)) }
    }
    if ProcessInfo.processInfo.environment["BENCH_ONLY"] != nil { say("\(db.statistics.asDictionary().sorted { $0.key < $1.key })") }
    await db.shutdown()
    return rate
}

/// The same statements inside one transaction: one lease for all of them, so the difference to
/// `databasePrepared` is the cost of leasing and releasing per statement.
func databaseInOneTransaction() async throws -> Double {
    let db = try lookupDatabase()
    let rate = try await db.transaction { tx in
        try await lookupsPerSecond {
            for _ in 0..<100 { _ = try await tx.execute(lookupSQL, Int.random(in: 1...100000)) }
        }
    }
    await db.shutdown()
    return rate
}

/// pgbench -M prepared -c 1 with the same SQL against the same server.
func pgbench(mode: String) throws -> Double {
    let script = NSTemporaryDirectory() + "/realpool-bench-\(getpid()).sql"
    try "\\set id random(1, 100000)\nSELECT balance FROM bench_accounts WHERE id = :id;\n".write(toFile: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let outcome = try ChildProcess.run("pgbench", ["-n", "-M", mode, "-c", "1", "-T", String(Int(seconds)), "-f", script,
                                                   "-h", server.socketDirectory, "-p", String(server.port), "-U", server.user, "postgres"])
    let text = outcome.standardOutput
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") && $0.contains("without") })
            ?? text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
          let tps = Double(line.dropFirst(6).split(separator: " ").first ?? "") else {
        throw NSError(domain: "pgbench", code: 1, userInfo: [NSLocalizedDescriptionKey: "pgbench printed no tps: \(text)"])
    }
    return tps
}

/// Normaliser cost: a 1 KB query lexed and fingerprinted, and a cached lookup.
func normaliser() -> (uncachedMicros: Double, cachedMicros: Double) {
    var sql = "SELECT u.id, u.name, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE u.status = 'active' AND o.created_at > $1"
    while sql.utf8.count < 1000 { sql += " AND o.note <> 'filler text number \(sql.utf8.count)' /* comment */" }
    let n = Normalizer()
    let iterations = 20_000
    var start = Date()
    var sink = 0
    for _ in 0..<iterations { sink &+= Int(truncatingIfNeeded: n.normalize(sql).fingerprint) }
    let uncached = Date().timeIntervalSince(start) / Double(iterations) * 1e6
    let cache = ShapeCache()
    _ = cache.normalize(sql, style: .dollar)
    start = Date()
    for _ in 0..<(iterations * 10) { sink &+= cache.normalize(sql, style: .dollar).parameterCount }
    let cached = Date().timeIntervalSince(start) / Double(iterations * 10) * 1e6
    if sink == 42 { say("") }
    return (uncached, cached)
}

try setup()
if let only = ProcessInfo.processInfo.environment["BENCH_ONLY"] {
    // one measurement alone, for profiling (`perf stat -e context-switches`)
    let rate: Double
    switch only {
    case "async": rate = try await connectionPreparedAsync()
    case "blocking": rate = try connectionPreparedBlocking()
    case "transaction": rate = try await databaseInOneTransaction()
    default: rate = try await databasePrepared()
    }
    say(String(format: "%@: %.0f/s", only, rate))
    exit(0)
}
say("RealPool benchmarks, \(Int(seconds)) s per measurement, embedded PostgreSQL \(server.port)")
let norm = normaliser()
say(String(format: "normaliser: 1 KB query lex+fingerprint %.2f µs (target < 20), cached lookup %.3f µs (target < 1)", norm.uncachedMicros, norm.cachedMicros))
// Interleaved rounds, each ratio taken within its round, and the median reported: this machine is
// shared and noisy, and a slow second shifts every measurement in it alike.
let rounds = Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "3") ?? 3
var ratios: [String: [Double]] = [:]
for round in 1...rounds {
    let reference = try pgbench(mode: "prepared")
    let blocking = try connectionPreparedBlocking()
    let asyncRate = try await connectionPreparedAsync()
    let databaseRate = try await databasePrepared()
    ratios["blocking", default: []].append(blocking / reference)
    ratios["async", default: []].append(asyncRate / reference)
    ratios["database", default: []].append(databaseRate / reference)
    say(String(format: "round %d: pgbench -M prepared -c 1 %.0f tps; Connection blocking %.0f/s, async %.0f/s; Database %.0f/s",
               round, reference, blocking, asyncRate, databaseRate))
}
func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] * 100 }
say(String(format: "median of %d rounds, as %% of pgbench -M prepared -c 1 on the same server:", rounds))
say(String(format: "  Connection prepared PK lookup, blocking: %.1f%% (target >= 95%%)", median(ratios["blocking"]!)))
say(String(format: "  Connection prepared PK lookup, async:    %.1f%%", median(ratios["async"]!)))
say(String(format: "  Database, pool of 1, rewritten:          %.1f%%", median(ratios["database"]!)))
