import ArgumentParser
import Foundation
import RealPool

/// `prepare-bench [run]`: the benchmark. With no options: embedded server, fixture schema and
/// data, the default suite (point, join, write, bursty × plain, prepared × a few worker counts,
/// plus the hold baseline for bursty), a table on stdout.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the benchmark suite (the default command).",
        discussion: """
            With no options: starts an embedded PostgreSQL, loads Fixtures/bench into the schema realpool_bench, \
            runs point, join, write and bursty in plain and prepared mode at a few worker counts (plus the \
            hold-for-the-request baseline for bursty) and prints a table. See Docs/prepare-bench.md.
            """
    )

    @Option(help: "PostgreSQL connection string or URL of an existing server (default: $DATABASE_URL, else an embedded server).")
    var dsn: String?

    @Option(name: .customLong("workload"), help: "point, join, write, bursty, or a workload FILE; repeatable or comma-separated (default: all four built-ins).")
    var workloads: [String] = []

    @Option(name: .customLong("mode"), help: "plain, prepared, auto or all; repeatable or comma-separated (default: plain,prepared).")
    var modes: [String] = []

    @Option(help: "Worker counts to sweep, e.g. 1,4,16 (default: 1,4; bursty 16,256).")
    var workers: IntList?

    @Option(help: "Pool size P (default: min(W, 4); bursty max(1, W/64)).")
    var poolSize: Int?

    @Option(name: .customLong("pipeline-depth"), help: "Pipeline depths to sweep, e.g. 1,64: autocommit statements one connection carries at once (DatabaseConfiguration.pipelineDepth; default 1 = no multiplexing).")
    var pipelineDepths: IntList?

    @Option(help: "Executors of the worker tasks to sweep: global (the cooperative pool), io (Database.ioExecutor), ioN (workers spread over N I/O threads, Database.ioExecutors(N)), comma-separated (default: global).")
    var executor: String?

    @Option(name: .customLong("reply-spin-us"), help: "ConnectionConfiguration.replySpin in microseconds, 0 = off (default: the library's, 200).")
    var replySpinUs: Int?

    @Option(help: "Measured seconds per case.")
    var duration: Double = 3

    @Option(help: "Warm-up seconds per case before measuring.")
    var warmup: Double = 1

    @Option(help: "Think time in ms of bursty requests (`think` without a value).")
    var thinkMs: Int = 20

    @Flag(name: .customLong("inline-literals"), help: "Write each request's parameters into the SQL text as literals (strings quoted with '' doubled, numbers as they are, NULL), as Django on psycopg2 does; prepared mode then measures literal lifting. Targets are still registered with their $n text.")
    var inlineLiterals = false

    @Flag(help: "Also run every case with the hold-for-the-whole-request baseline pool.")
    var hold = false

    @Option(help: "Seed of the parameter generators.")
    var seed: UInt64 = 42

    @Option(help: "Fixture data scale (1 = 10,000 users, 30,000 orders).")
    var scale: Int = 1

    @Flag(help: "Write the results as JSON (to stdout, or --output).")
    var json = false

    @Flag(help: "Write the results as CSV (to stdout, or --output).")
    var csv = false

    @Option(help: "File for the --json or --csv output (the table then still goes to stdout).")
    var output: String?

    @Option(help: "Write a throughput-vs-workers chart as SVG to this file.")
    var svg: String?

    @Flag(help: "Also run pgbench -M simple and -M prepared with the same SQL and client counts, and print the ratios.")
    var comparePgbench = false

    @Option(name: .customLong("server-cpus"), help: "Pin the PostgreSQL server to these CPUs (e.g. 1 or 2-3) and the benchmark and pgbench to the others, as if on separate hosts. Linux; the server must run on this machine. (default: no pinning)")
    var serverCPUs: String?

    @Flag(help: "Keep the realpool_bench schema on a --dsn server after the run.")
    var keep = false

    @Option(help: "The Fixtures/bench directory (default: found from the executable or the source tree).")
    var fixtures: String?

    @Flag(help: "No progress output on stderr.")
    var quiet = false

    func validate() throws {
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be > 0 and <= 3600 seconds") }
        guard warmup >= 0, warmup <= 3600 else { throw ValidationError("--warmup must be between 0 and 3600 seconds") }
        guard thinkMs >= 0, thinkMs <= 60_000 else { throw ValidationError("--think-ms must be between 0 and 60000") }
        if let poolSize { guard poolSize >= 1, poolSize <= 1000 else { throw ValidationError("--pool-size must be between 1 and 1000") } }
        if let workers { guard workers.values.allSatisfy({ $0 <= 10_000 }) else { throw ValidationError("--workers must be between 1 and 10000") } }
        if let pipelineDepths { guard pipelineDepths.values.allSatisfy({ $0 <= 10_000 }) else { throw ValidationError("--pipeline-depth must be between 1 and 10000") } }
        guard scale >= 1, scale <= 1000 else { throw ValidationError("--scale must be between 1 and 1000") }
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv") }
        if output != nil, !json, !csv { throw ValidationError("--output needs --json or --csv") }
        if inlineLiterals && comparePgbench { throw ValidationError("--compare-pgbench runs pgbench with $n parameters; it cannot be combined with --inline-literals") }
        for m in modes { do { _ = try BenchMode.parseList(m) } catch { throw ValidationError(String(describing: error)) } }
        if let replySpinUs { guard replySpinUs >= 0, replySpinUs <= 100_000 else { throw ValidationError("--reply-spin-us must be between 0 and 100000") } }
        if let executor { do { _ = try BenchExecutorKind.parseList(executor) } catch { throw ValidationError(String(describing: error)) } }
        if let dsn, dsn.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--dsn is empty") }
        if let serverCPUs { do { _ = try CPUSplit.plan(serverCPUs) } catch { throw ValidationError(String(describing: error)) } }
    }

    func run() async throws {
        BenchLogging.bootstrapErrorsOnly()
        let cleanup = CleanupRegistry.shared
        cleanup.installSignalHandlers()
        let progress = ProgressReporter(enabled: !quiet)
        do {
            try await benchmark(progress: progress, cleanup: cleanup)
        } catch {
            progress.finish()
            cleanup.runAll()
            let message = error is BenchError ? String(describing: error) : BenchError.oneLine(error)
            FileHandle.standardError.write(Data("prepare-bench: \(message)\n".utf8))
            throw ExitCode(1)
        }
        cleanup.runAll()
    }

    // MARK: the run

    private func benchmark(progress: ProgressReporter, cleanup: CleanupRegistry) async throws {
        let modeList = try Array(Set((modes.isEmpty ? ["plain,prepared"] : modes).flatMap { try BenchMode.parseList($0) })).sorted()
        let directory = try FixtureDirectory.locate(fixtures)
        let defaultSuite = workloads.isEmpty
        let names = defaultSuite ? ["point", "join", "write", "bursty"] : workloads.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        let sources = try names.map { try resolve($0, directory) }

        // Parse before starting anything, with provisional variables, so that a bad file fails fast.
        let provisional = provisionalVariables(directory)
        for (text, source, name) in sources {
            _ = try WorkloadParser(variables: provisional).parse(text, source: source, defaultName: name)
        }

        let dsn = self.dsn ?? ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        progress.note(dsn == nil ? "starting the embedded PostgreSQL" : "connecting to the given server")
        let server = try BenchServer.start(dsn: dsn)
        cleanup.add("server") { server.stop() }
        let loader = FixtureLoader(directory: directory, connectionString: server.connectionString)

        progress.note("loading fixtures (scale \(scale)) into schema \(FixtureLoader.schemaName)")
        if !server.isEmbedded && !keep { cleanup.add("schema") { loader.dropBlocking() } }
        let (variables, serverVersion) = try await loader.load(scale: scale)
        let loaded = try sources.map { try WorkloadParser(variables: variables).parse($0.0, source: $0.1, defaultName: $0.2) }
        try await loader.validate(loaded)

        // after loading: the fixtures load faster on every core, and the measurement is what is split
        let split = try serverCPUs.map(CPUSplit.plan)
        if let split {
            progress.note(split.summary)
            let connection = try await loader.connect()
            defer { connection.close() }
            let restore = try split.apply(backendPID: connection.backendPID)
            if !server.isEmbedded { cleanup.add("cpus") { restore() } }
        }

        let cases = plan(loaded, modes: modeList, defaultSuite: defaultSuite)
        progress.setTotal(cases.count)
        let perCase = duration + warmup
        progress.note("running \(cases.count) cases of \(String(format: "%g", perCase)) s each (about \(Int((Double(cases.count) * (perCase + 0.3)).rounded())) s)")

        let runner = CaseRunner(duration: duration, warmup: warmup, seed: seed, thinkMs: thinkMs, inlineLiterals: inlineLiterals)
        var results: [CaseResult] = []
        for benchCase in cases {
            let workload = loaded.first { $0.name == benchCase.workload }!
            progress.caseStarted(benchCase.label, seconds: perCase)
            let executor = try await makeExecutor(benchCase, workload: workload, connectionString: server.connectionString)
            let result = await runner.run(benchCase, workload: workload, executor: executor)
            await executor.shutdown()
            results.append(result)
            progress.caseFinished("\(String(format: "%.0f", result.opsPerS)) \(result.unit)/s, p50 \(ResultTable.ms(result.p50Ms)) ms, p99 \(ResultTable.ms(result.p99Ms)) ms, errors \(result.errors)")
        }
        results = Self.addRatios(results)

        var comparisons: [PgbenchComparison.Row] = []
        if comparePgbench {
            comparisons = try comparePgbench(loaded, results: results, server: server, progress: progress)
        }
        progress.finish()

        if !server.isEmbedded && !keep {
            progress.note("dropping schema \(FixtureLoader.schemaName)")
            await loader.drop()
            cleanup.remove("schema")
        }
        if server.isEmbedded { progress.note("stopping the server") }
        cleanup.runAll()

        try writeOutputs(results, comparisons: comparisons, server: server, serverVersion: serverVersion, split: split)
    }

    private func makeExecutor(_ benchCase: BenchCase, workload: Workload, connectionString: String) async throws -> any BenchExecutor {
        let pool = PoolConfiguration(minConnections: 1, maxConnections: benchCase.poolSize, acquireTimeout: .seconds(60), maxWaiters: 100_000)
        var connection = ConnectionConfiguration(connectionString, applicationName: "prepare-bench")
        if let replySpinUs { connection.replySpin = replySpinUs == 0 ? nil : .microseconds(replySpinUs) }
        var configuration = DatabaseConfiguration(connection, pool: pool)
        configuration.searchPath = FixtureLoader.schemaName
        configuration.name = "bench"
        configuration.shutdownGracePeriod = .seconds(5)
        configuration.pipelineDepth = benchCase.pipelineDepth
        return try await DatabaseExecutor.make(configuration: configuration, mode: benchCase.mode, statements: workload.statements.map(\.sql))
    }

    /// workloads × worker counts × pool model × modes.
    private func plan(_ workloads: [Workload], modes: [BenchMode], defaultSuite: Bool) -> [BenchCase] {
        var cases: [BenchCase] = []
        for workload in workloads {
            let counts = workers?.values ?? (workload.isBursty ? [16, 256] : [1, 4])
            for w in counts {
                let p = poolSize ?? (workload.isBursty ? max(1, w / 64) : min(w, 4))
                let executors = (try? executor.map(BenchExecutorKind.parseList)) ?? [.global]
                for kind in executors {
                    for depth in pipelineDepths?.values ?? [1] {
                        for mode in modes { cases.append(BenchCase(workload: workload.name, mode: mode, workers: w, poolSize: p, hold: false, pipelineDepth: depth, executor: kind)) }
                    }
                }
                if hold {
                    for mode in modes { cases.append(BenchCase(workload: workload.name, mode: mode, workers: w, poolSize: p, hold: true)) }
                } else if defaultSuite && workload.isBursty {
                    cases.append(BenchCase(workload: workload.name, mode: .plain, workers: w, poolSize: p, hold: true))
                }
                // what the opt-in features do where callers far outnumber connections
                if defaultSuite && workload.isBursty && w > 16 * p {
                    cases.append(BenchCase(workload: workload.name, mode: .prepared, workers: w, poolSize: p, hold: false, pipelineDepth: 16, executor: .io))
                }
            }
        }
        return cases
    }

    /// prepared/plain speedups and release-ASAP/hold ratios.
    static func addRatios(_ results: [CaseResult]) -> [CaseResult] {
        results.map { r in
            var r = r
            if r.mode != "plain", let plain = results.first(where: { $0.mode == "plain" && $0.workload == r.workload && $0.workers == r.workers && $0.poolSize == r.poolSize && $0.pool == r.pool && $0.pipelineDepth == r.pipelineDepth && $0.executor == r.executor }), plain.opsPerS > 0 {
                r.speedupVsPlain = r.opsPerS / plain.opsPerS
            }
            if r.pipelineDepth > 1, let single = results.first(where: { $0.pipelineDepth == 1 && $0.mode == r.mode && $0.workload == r.workload && $0.workers == r.workers && $0.poolSize == r.poolSize && $0.pool == r.pool && $0.executor == r.executor }), single.opsPerS > 0 {
                r.speedupVsUnpipelined = r.opsPerS / single.opsPerS
                r.unpipelinedP99Ms = single.p99Ms
            }
            if r.executor != BenchExecutorKind.global.rawValue, let global = results.first(where: { $0.executor == BenchExecutorKind.global.rawValue && $0.mode == r.mode && $0.workload == r.workload && $0.workers == r.workers && $0.poolSize == r.poolSize && $0.pool == r.pool && $0.pipelineDepth == r.pipelineDepth }), global.opsPerS > 0 {
                r.speedupVsGlobalExecutor = r.opsPerS / global.opsPerS
            }
            if r.pool == "hold", let asap = results.first(where: { $0.pool == "asap" && $0.mode == r.mode && $0.workload == r.workload && $0.workers == r.workers && $0.poolSize == r.poolSize && $0.pipelineDepth == r.pipelineDepth && $0.executor == r.executor }), r.opsPerS > 0 {
                r.asapOverHold = asap.opsPerS / r.opsPerS
            }
            return r
        }
    }

    private func comparePgbench(_ workloads: [Workload], results: [CaseResult], server: BenchServer, progress: ProgressReporter) throws -> [PgbenchComparison.Row] {
        guard let executable = PgbenchComparison.locate() else {
            throw BenchError("--compare-pgbench: pgbench not found (/usr/bin/pgbench, /usr/lib/postgresql/*/bin, PATH); install postgresql-client")
        }
        let pgbench = PgbenchComparison(executable: executable, connectionString: server.connectionString, schema: FixtureLoader.schemaName)
        var rows: [PgbenchComparison.Row] = []
        for workload in workloads {
            let scripts: [(String, Int)]
            switch PgbenchComparison.scripts(for: workload, thinkMs: thinkMs) {
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
                        tps = try pgbench.run(scripts, mode: pgMode, clients: w, seconds: Int(duration.rounded(.up)))
                    } catch where workload.isBursty {
                        // a connection per worker may be more than the server allows
                        progress.note("pgbench: skipping \(workload.name) W=\(w): \(error)")
                        continue
                    }
                    let bound: Double? = workload.isBursty && thinkMs > 0 ? Double(w) * 1000 / Double(thinkMs) : nil
                    // every RealPool row of these W, multiplexed ones too: the same number of clients
                    let mine = results.filter { $0.workload == workload.name && $0.workers == w && $0.pool == "asap" && $0.mode == ours }
                    if mine.isEmpty {
                        rows.append(PgbenchComparison.Row(workload: workload.name, workers: w, pgbenchClients: w, pgbenchMode: pgMode, pgbenchTps: tps, realpoolMode: ours, realpoolOpsPerS: nil, ratio: nil, pgbenchPctOfBound: bound.map { tps / $0 * 100 }))
                    }
                    for r in mine {
                        rows.append(PgbenchComparison.Row(workload: workload.name, workers: w, pgbenchClients: w, pgbenchMode: pgMode, pgbenchTps: tps, realpoolMode: r.modeLabel, realpoolOpsPerS: r.opsPerS, ratio: r.opsPerS / tps, pgbenchPctOfBound: bound.map { tps / $0 * 100 }))
                    }
                }
            }
            // Multiplexed cases against pgbench with one client per RealPool connection: what the
            // same connections do when each waits for its own round trips.
            for r in results where !workload.isBursty && r.workload == workload.name && r.pool == "asap" && r.pipelineDepth > 1 {
                let pgMode = r.mode == "plain" ? "simple" : "prepared"
                progress.note("pgbench -M \(pgMode) -c \(r.poolSize): \(workload.name)")
                let tps = try pgbench.run(scripts, mode: pgMode, clients: r.poolSize, seconds: Int(duration.rounded(.up)))
                rows.append(PgbenchComparison.Row(workload: workload.name, workers: r.workers, pgbenchClients: r.poolSize, pgbenchMode: pgMode, pgbenchTps: tps, realpoolMode: r.modeLabel, realpoolOpsPerS: r.opsPerS, ratio: r.opsPerS / tps))
            }
        }
        return rows
    }

    private func writeOutputs(_ results: [CaseResult], comparisons: [PgbenchComparison.Row], server: BenchServer, serverVersion: String, split: CPUSplit?) throws {
        let table = ResultTable(results: results, comparisons: comparisons, split: split).render()
        var structured: String?
        if json {
            structured = try ReportWriter.json(ReportWriter.Document(
                server: server.isEmbedded ? "embedded" : server.redacted, serverVersion: serverVersion, scale: scale, seed: seed,
                durationS: duration, warmupS: warmup, preparedVia: CaseResult.preparedVia, inlineLiterals: inlineLiterals,
                serverCPUs: split?.serverCPUs, clientCPUs: split?.clientCPUs, results: results, pgbench: comparisons))
        } else if csv {
            structured = ReportWriter.csv(results)
        }
        if let svg {
            do { try SVGChart(results: results).render().write(toFile: svg, atomically: true, encoding: .utf8) } catch {
                throw BenchError("cannot write --svg \(svg): \(error.localizedDescription)")
            }
        }
        if let structured, let output {
            do { try structured.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw BenchError("cannot write --output \(output): \(error.localizedDescription)")
            }
            print(table, terminator: "")
        } else if let structured {
            print(structured, terminator: "")
        } else {
            print(table, terminator: "")
        }
    }

    // MARK: workloads

    /// A built-in name or a file: (text, source for messages, default name).
    private func resolve(_ name: String, _ directory: FixtureDirectory) throws -> (String, String, String) {
        let builtIn = directory.workloads.appendingPathComponent("\(name).workload")
        let fm = FileManager.default
        if !name.contains("/"), fm.fileExists(atPath: builtIn.path) {
            return (try String(contentsOf: builtIn, encoding: .utf8), "\(name) (built-in)", name)
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue {
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                throw BenchError("cannot read workload file \(name)")
            }
            let base = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
            return (text, name, base)
        }
        throw BenchError("unknown workload `\(name)`: not one of \(directory.builtInWorkloads.joined(separator: ", ")) and no such file")
    }

    /// Table names from schema.sql with a placeholder count, for the parse before loading.
    private func provisionalVariables(_ directory: FixtureDirectory) -> [String: Int] {
        var variables = ["scale": scale]
        let text = (try? String(contentsOf: directory.schema, encoding: .utf8)) ?? ""
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count >= 3, words[0].uppercased() == "CREATE", words[1].uppercased() == "TABLE" {
                variables[String(words[2]).lowercased()] = 1
            }
        }
        return variables
    }
}
