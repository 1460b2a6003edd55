/// `--compare-pgbench` after the cases: pgbench at the client counts the run measured, in the
/// modes it measured, and the ratios of RealPool's rows to pgbench's.
extension PgbenchComparison {
    static func compare(_ workloads: [Workload], with results: [CaseResult], connectionString: String, schema: String,
                        thinkMs: Int, duration: Double, progress: ProgressReporter) throws -> [Row] {
        guard let executable = locate() else {
            throw BenchError("--compare-pgbench: pgbench not found (/usr/bin/pgbench, /usr/lib/postgresql/*/bin, PATH); install postgresql-client")
        }
        let pgbench = PgbenchComparison(executable: executable, connectionString: connectionString, schema: schema)
        let seconds = Int(duration.rounded(.up))
        var rows: [Row] = []
        for workload in workloads {
            let scripts: [(String, Int)]
            switch Self.scripts(for: workload, thinkMs: thinkMs) {
            case .success(let s): scripts = s
            case .failure(let reason):
                progress.note("pgbench: skipping \(workload.name): \(reason)")
                continue
            }
            let counts = Array(Set(results.filter { $0.workload == workload.name && $0.pool == "asap" }.map(\.workers))).sorted()
            for w in counts {
                // only the modes this run measured: a pgbench run without a RealPool row beside it is time lost
                for (pgMode, ours) in [("simple", "plain"), ("prepared", "prepared")] where results.contains(where: { $0.workload == workload.name && $0.mode == ours }) {
                    progress.note("pgbench -M \(pgMode) -c \(w): \(workload.name)")
                    let tps: Double
                    do {
                        tps = try pgbench.run(scripts, mode: pgMode, clients: w, seconds: seconds)
                    } catch where workload.isBursty {
                        // a connection per worker may be more than the server allows
                        progress.note("pgbench: skipping \(workload.name) W=\(w): \(error)")
                        continue
                    }
                    let bound: Double? = workload.isBursty && thinkMs > 0 ? Double(w) * 1000 / Double(thinkMs) : nil
                    // every RealPool row of these W, multiplexed ones too: the same number of clients
                    let mine = results.filter { $0.workload == workload.name && $0.workers == w && $0.pool == "asap" && $0.mode == ours }
                    if mine.isEmpty {
                        rows.append(Row(workload: workload.name, workers: w, pgbenchClients: w, pgbenchMode: pgMode, pgbenchTps: tps, realpoolMode: ours, realpoolOpsPerS: nil, ratio: nil, pgbenchPctOfBound: bound.map { tps / $0 * 100 }))
                    }
                    for r in mine {
                        rows.append(Row(workload: workload.name, workers: w, pgbenchClients: w, pgbenchMode: pgMode, pgbenchTps: tps, realpoolMode: r.modeLabel, realpoolOpsPerS: r.opsPerS, ratio: r.opsPerS / tps, pgbenchPctOfBound: bound.map { tps / $0 * 100 }))
                    }
                }
            }
            // Multiplexed cases against pgbench with one client per RealPool connection: what the
            // same connections do when each waits for its own round trips.
            for r in results where !workload.isBursty && r.workload == workload.name && r.pool == "asap" && r.pipelineDepth > 1 {
                let pgMode = r.mode == "plain" ? "simple" : "prepared"
                progress.note("pgbench -M \(pgMode) -c \(r.poolSize): \(workload.name)")
                let tps = try pgbench.run(scripts, mode: pgMode, clients: r.poolSize, seconds: seconds)
                rows.append(Row(workload: workload.name, workers: r.workers, pgbenchClients: r.poolSize, pgbenchMode: pgMode, pgbenchTps: tps, realpoolMode: r.modeLabel, realpoolOpsPerS: r.opsPerS, ratio: r.opsPerS / tps))
            }
        }
        return rows
    }
}
