import Foundation

/// `--compare-pgbench`: the same workload's SQL as a pgbench custom script (`-f`, one file per
/// request with its weight, `\set` for the parameter generators, `$n` → `:variable`), run with
/// `-M simple` and `-M prepared` at the same client count against the same server and schema.
struct PgbenchComparison {
    struct Row: Codable, Sendable {
        var workload: String
        var workers: Int
        var pgbenchMode: String
        var pgbenchTps: Double
        var realpoolMode: String
        var realpoolOpsPerS: Double?
        /// RealPool ops/s divided by pgbench's tps.
        var ratio: Double?

        enum CodingKeys: String, CodingKey {
            case workload, workers, ratio
            case pgbenchMode = "pgbench_mode", pgbenchTps = "pgbench_tps", realpoolMode = "realpool_mode", realpoolOpsPerS = "realpool_ops_per_s"
        }

        var summary: String {
            let ours = realpoolOpsPerS.map { String(format: "%.0f", $0) } ?? "-"
            let r = ratio.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
            return "\(workload) W=\(workers): pgbench -M \(pgbenchMode) \(String(format: "%.0f", pgbenchTps)) tps; RealPool \(realpoolMode) \(ours) ops/s = \(r) of it"
        }
    }

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
    static func scripts(for workload: Workload) -> Result<[(String, Int)], BenchError> {
        if workload.isBursty {
            return .failure(BenchError("think pauses: pgbench clients hold their connection, so it has no release-ASAP counterpart"))
        }
        var scripts: [(String, Int)] = []
        for request in workload.requests {
            var text = request.transaction ? "BEGIN;\n" : ""
            for (s, statement) in request.statements.enumerated() {
                var sql = statement.sql
                for (p, generator) in statement.parameters.enumerated().reversed() {
                    guard let expression = generator.pgbenchExpression else {
                        return .failure(BenchError("parameter generator \(generator) has no pgbench equivalent"))
                    }
                    let variable = "s\(s + 1)p\(p + 1)"
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
        var arguments = ["-n", "-M", mode, "-c", "\(clients)", "-j", "\(min(clients, 2))", "-T", "\(max(1, seconds))"]
        for (i, (text, weight)) in scripts.enumerated() {
            let file = dir.appendingPathComponent("request\(i + 1).sql")
            try text.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-f", "\(file.path)@\(weight)"]
        }
        arguments.append(connectionString)
        let (status, output, errors) = try Self.spawn(executable, arguments, environment: ["PGOPTIONS=-c search_path=\(schema)"], in: dir)
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

    /// posix_spawn with an empty signal mask and default dispositions: a child started from a
    /// Swift process otherwise inherits blocked signals, and pgbench's `-T` timer (SIGALRM) would
    /// never fire. Output goes to files in `dir`; returns (exit status, stdout, stderr).
    static func spawn(_ executable: String, _ arguments: [String], environment extra: [String], in dir: URL) throws -> (Int32, String, String) {
        let outPath = dir.appendingPathComponent("stdout").path, errPath = dir.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let inherited = ProcessInfo.processInfo.environment.filter { entry in !extra.contains { $0.hasPrefix(entry.key + "=") } }
        let env = (inherited.map { "\($0.key)=\($0.value)" } + extra).map { strdup($0) } + [nil]
        defer { env.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        guard rc == 0 else { throw BenchError("cannot run \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output, errors)
    }
}
