import EmbeddedPostgres
import Foundation

/// `--compare-pgbench`: the same workload's SQL as a pgbench custom script (`-f`, one file per
/// request with its weight, `\set` for the parameter generators, `$n` → `:variable`), run with
/// `-M simple` and `-M prepared` at the same client count against the same server and schema.
/// A think step becomes `\sleep`: pgbench then holds one connection per client through the
/// pause, so for bursty workloads it is the best a C client does with a connection per worker.
struct PgbenchComparison {
    struct Row: Codable, Sendable {
        var workload: String
        var workers: Int
        /// pgbench's client count: `workers`, or the pool size for the comparison with one
        /// client per RealPool connection (multiplexed cases).
        var pgbenchClients: Int
        var pgbenchMode: String
        var pgbenchTps: Double
        var realpoolMode: String
        var realpoolOpsPerS: Double?
        /// RealPool ops/s divided by pgbench's tps.
        var ratio: Double?
        /// Bursty workloads: pgbench's tps as a percentage of the bound W/T.
        var pgbenchPctOfBound: Double?

        enum CodingKeys: String, CodingKey {
            case workload, workers, ratio
            case pgbenchClients = "pgbench_clients", pgbenchPctOfBound = "pgbench_pct_of_bound"
            case pgbenchMode = "pgbench_mode", pgbenchTps = "pgbench_tps", realpoolMode = "realpool_mode", realpoolOpsPerS = "realpool_ops_per_s"
        }

        /// Every key in every row, nil as JSON null (the synthesized encoder would omit it).
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(workload, forKey: .workload)
            try c.encode(workers, forKey: .workers)
            try c.encode(pgbenchClients, forKey: .pgbenchClients)
            try c.encode(pgbenchMode, forKey: .pgbenchMode)
            try c.encode(pgbenchTps, forKey: .pgbenchTps)
            try c.encode(pgbenchPctOfBound, forKey: .pgbenchPctOfBound)
            try c.encode(realpoolMode, forKey: .realpoolMode)
            try c.encode(realpoolOpsPerS, forKey: .realpoolOpsPerS)
            try c.encode(ratio, forKey: .ratio)
        }

        var summary: String {
            let ours = realpoolOpsPerS.map { String(format: "%.0f", $0) } ?? "-"
            let r = ratio.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
            let bound = pgbenchPctOfBound.map { String(format: " (%.0f%% of W/T)", $0) } ?? ""
            return "\(workload) W=\(workers): pgbench -M \(pgbenchMode) -c \(pgbenchClients) -j \(PgbenchComparison.threads(forClients: pgbenchClients)) \(String(format: "%.0f", pgbenchTps)) tps\(bound); RealPool \(realpoolMode) \(ours) ops/s = \(r) of it"
        }
    }

    /// pgbench's threads (`-j`): one per client up to the two cores this was tuned on, its best
    /// there (its default, one thread, is slower with several clients).
    static func threads(forClients clients: Int) -> Int { min(clients, 2) }

    let executable: String
    let connectionString: String
    let schema: String

    static func locate() -> String? {
        var candidates = ["/usr/bin/pgbench"]
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            candidates += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin/pgbench" }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/pgbench")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The pgbench scripts (text, weight) for a workload, or a reason why pgbench cannot run it.
    static func scripts(for workload: Workload, thinkMs: Int) -> Result<[(String, Int)], BenchError> {
        var scripts: [(String, Int)] = []
        for request in workload.requests {
            var text = request.transaction ? "BEGIN;\n" : ""
            var number = 0
            for step in request.steps {
                guard case .statement(let statement) = step else {
                    if case .think(let ms) = step { text += "\\sleep \(ms ?? thinkMs) ms\n" }
                    continue
                }
                number += 1
                var sql = statement.sql
                for (p, generator) in statement.parameters.enumerated().reversed() {
                    guard let expression = generator.pgbenchExpression else {
                        return .failure(BenchError("parameter generator \(generator) has no pgbench equivalent"))
                    }
                    let variable = "s\(number)p\(p + 1)"
                    text += "\\set \(variable) \(expression)\n"
                    sql = sql.replacingOccurrences(of: "$\(p + 1)", with: ":\(variable)")
                }
                text += sql.split(whereSeparator: \.isNewline).joined(separator: " ") + ";\n"
            }
            if request.transaction { text += "COMMIT;\n" }
            scripts.append((text, request.weight))
        }
        return .success(scripts)
    }

    /// Runs pgbench and returns its tps (without initial connection time).
    func run(_ scripts: [(String, Int)], mode: String, clients: Int, seconds: Int) throws -> Double {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prepare-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var arguments = ["-n", "-M", mode, "-c", "\(clients)", "-j", "\(Self.threads(forClients: clients))", "-T", "\(max(1, seconds))"]
        for (i, (text, weight)) in scripts.enumerated() {
            let file = dir.appendingPathComponent("request\(i + 1).sql")
            try text.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-f", "\(file.path)@\(weight)"]
        }
        arguments.append(connectionString)
        let outcome = try ChildProcess.run(executable, arguments, environment: ["PGOPTIONS": "-c search_path=\(schema)"])
        let (status, output, errors) = (outcome.status, outcome.standardOutput, outcome.standardError)
        guard status == 0 else {
            let lines = errors.split(whereSeparator: \.isNewline)
            let line = lines.first { $0.contains("error") || $0.contains("ERROR") || $0.contains("FATAL") } ?? lines.first ?? ""
            throw BenchError("pgbench -M \(mode) failed (exit \(status)): \(line)")
        }
        for line in output.split(whereSeparator: \.isNewline) where line.hasPrefix("tps = ") {
            let number = line.dropFirst(6).prefix { $0.isNumber || $0 == "." }
            if let tps = Double(number) { return tps }
        }
        throw BenchError("pgbench -M \(mode): no `tps = ` line in its output")
    }
}
