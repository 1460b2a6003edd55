import EmbeddedPostgres
import Foundation
import Logging
import PostgresNIO
import RealPool

// RealPool against postgres-nio's PostgresClient with its prepared statements, on the same
// server, the same fixture data (Fixtures/bench) and the same SQL, side by side in one run.
// Run: swift run -c release --package-path Benchmarks PeerComparison   (PEER_SECONDS=3 default)

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let seconds = Double(ProcessInfo.processInfo.environment["PEER_SECONDS"] ?? "3") ?? 3
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../Fixtures/bench").standardized
let server = try EmbeddedPostgres.start()
defer { server.stop() }

let loader = try Connection.connect(ConnectionConfiguration(server.connectionString))
_ = try loader.simpleQuery("CREATE SCHEMA realpool_bench; SET search_path = realpool_bench; SET realpool_bench.scale = 1")
_ = try loader.simpleQuery(try String(contentsOf: fixtures.appendingPathComponent("schema.sql"), encoding: .utf8))
_ = try loader.simpleQuery(try String(contentsOf: fixtures.appendingPathComponent("data.sql"), encoding: .utf8))
_ = try loader.simpleQuery("ANALYZE")
loader.close()

let pointSQL = "SELECT id, email, name, country, created_at FROM users WHERE id = $1"
let joinSQL = """
    SELECT o.id AS order_id, o.created_at, o.status, u.name AS customer, a.city,
           p.name AS product, c.name AS category, pc.name AS parent_category, s.name AS supplier,
           oi.quantity, oi.quantity * oi.unit_price AS amount
      FROM orders o
      JOIN users u ON u.id = o.user_id
      JOIN addresses a ON a.id = o.address_id
      JOIN order_items oi ON oi.order_id = o.id
      JOIN products p ON p.id = oi.product_id
      JOIN categories c ON c.id = p.category_id
      LEFT JOIN categories pc ON pc.id = c.parent_id
      JOIN suppliers s ON s.id = p.supplier_id
     WHERE o.user_id = $1
     ORDER BY o.created_at DESC, oi.line
     LIMIT 20
    """

struct PointLookup: PostgresPreparedStatement {
    static let sql = pointSQL
    typealias Row = (Int64, String)
    var id: Int64
    func makeBindings() -> PostgresBindings {
        var b = PostgresBindings()
        b.append(id)
        return b
    }
    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (id, email, _, _, _) = try row.decode((Int64, String, String, String, Date).self)
        return (id, email)
    }
}

struct JoinReport: PostgresPreparedStatement {
    static let sql = joinSQL
    typealias Row = Int64
    var userID: Int64
    func makeBindings() -> PostgresBindings {
        var b = PostgresBindings()
        b.append(userID)
        return b
    }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self, context: .default) }
}

/// Runs `body` in `workers` concurrent loops for `seconds`, on `executor` when given; returns
/// operations per second.
func measure(workers: Int, on executor: (any TaskExecutor)? = nil, _ body: @escaping @Sendable () async throws -> Void) async throws -> Double {
    let end = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<workers {
            group.addTask(executorPreference: executor) {
                var n = 0
                while ContinuousClock.now < end {
                    try await body()
                    n += 1
                }
                return n
            }
        }
        return try await group.reduce(0, +)
    }
    return Double(total) / seconds
}

var realPoolConfig = PoolConfiguration()
realPoolConfig.maxConnections = 4
let db = Database(DatabaseConfiguration(server.connectionString + " options='-c search_path=realpool_bench'", pool: realPoolConfig))
try db.addPrepareTarget(pointSQL)
try db.addPrepareTarget(joinSQL)

var nioConfig = PostgresClient.Configuration(unixSocketPath: server.socketDirectory + "/.s.PGSQL.\(server.port)",
                                             username: server.user, password: nil, database: "postgres")
nioConfig.options.maximumConnections = 4
nioConfig.options.additionalStartupParameters = [("search_path", "realpool_bench")]
let client = PostgresClient(configuration: nioConfig, backgroundLogger: Logger(label: "postgres-nio"))

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { await client.run() }
    say("RealPool vs postgres-nio PostgresClient (prepared statements), \(Int(seconds)) s per case, pool of 4, same server and data")
    say("workload  workers  RealPool ops/s  RealPool io ops/s  postgres-nio ops/s  RealPool/postgres-nio  RealPool io/postgres-nio")
    for (name, isJoin) in [("point", false), ("join", true)] {
        for workers in [1, 4, 16] {
            let ours = try await measure(workers: workers) {
                let id = Int.random(in: 1...10_000)
                _ = try await db.execute(isJoin ? joinSQL : pointSQL, id)
            }
            // the same loop with its tasks on RealPool's I/O thread (Database.ioExecutor)
            let oursIO = try await measure(workers: workers, on: Database.ioExecutor) {
                let id = Int.random(in: 1...10_000)
                _ = try await db.execute(isJoin ? joinSQL : pointSQL, id)
            }
            let theirs = try await measure(workers: workers) {
                let id = Int64.random(in: 1...10_000)
                if isJoin {
                    for try await _ in try await client.execute(JoinReport(userID: id)) {}
                } else {
                    for try await _ in try await client.execute(PointLookup(id: id)) {}
                }
            }
            say(name.padding(toLength: 8, withPad: " ", startingAt: 0)
                + String(format: "  %7d  %14.0f  %17.0f  %18.0f  %21.2f  %24.2f", workers, ours, oursIO, theirs, ours / theirs, oursIO / theirs))
        }
    }
    group.cancelAll()
}
await db.shutdown()
