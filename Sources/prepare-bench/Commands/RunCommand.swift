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

    @OptionGroup var serverOptions: ServerOptions

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
        try serverOptions.validateDSN()
        if let serverCPUs { do { _ = try CPUSplit.plan(serverCPUs) } catch { throw ValidationError(String(describing: error)) } }
    }

    func run() async throws {
        try await serverOptions.launch(errorPrefix: "prepare-bench") { progress, cleanup in
            try await benchmark(progress: progress, cleanup: cleanup)
        }
    }

    // MARK: the run

    private func benchmark(progress: ProgressReporter, cleanup: CleanupRegistry) async throws {
        let modeList = try Array(Set((modes.isEmpty ? ["plain,prepared"] : modes).flatMap { try BenchMode.parseList($0) })).sorted()
        let directory = try FixtureDirectory.locate(fixtures)
        let defaultSuite = workloads.isEmpty
        let names = defaultSuite ? ["point", "join", "write", "bursty"] : workloads.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        let sources = try names.map { try WorkloadSource.resolve($0, in: directory) }

        // Parse before starting anything, with provisional variables, so that a bad file fails fast.
        let provisional = WorkloadSource.provisionalVariables(directory, scale: scale)
        for source in sources { _ = try source.parse(variables: provisional) }

        let server = try serverOptions.startServer(progress: progress, cleanup: cleanup)
        let loader = FixtureLoader(directory: directory, connectionString: server.connectionString)

        progress.note("loading fixtures (scale \(scale)) into schema \(FixtureLoader.schemaName)")
        if !server.isEmbedded && !keep { cleanup.add("schema") { loader.dropBlocking() } }
        let (variables, serverVersion) = try await loader.load(scale: scale)
        let loaded = try sources.map { try $0.parse(variables: variables) }
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

        let planner = CasePlanner(
            workers: workers?.values, poolSize: poolSize, pipelineDepths: pipelineDepths?.values ?? [1],
            executors: try executor.map(BenchExecutorKind.parseList) ?? [.global], hold: hold, defaultSuite: defaultSuite)
        let cases = planner.cases(loaded, modes: modeList)
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
        results = CaseRatios.add(to: results)

        var comparisons: [PgbenchComparison.Row] = []
        if comparePgbench {
            comparisons = try PgbenchComparison.compare(loaded, with: results, connectionString: server.connectionString, schema: FixtureLoader.schemaName,
                                                        thinkMs: thinkMs, duration: duration, progress: progress)
        }
        progress.finish()

        if !server.isEmbedded && !keep {
            progress.note("dropping schema \(FixtureLoader.schemaName)")
            await loader.drop()
            cleanup.remove("schema")
        }
        if server.isEmbedded { progress.note("stopping the server") }
        cleanup.runAll()

        let document = ReportWriter.Document(
            server: server.isEmbedded ? "embedded" : server.redacted, serverVersion: serverVersion, scale: scale, seed: seed,
            durationS: duration, warmupS: warmup, preparedVia: CaseResult.preparedVia, inlineLiterals: inlineLiterals,
            serverCPUs: split?.serverCPUs, clientCPUs: split?.clientCPUs, results: results, pgbench: comparisons)
        try RunOutput(json: json, csv: csv, output: output, svg: svg).write(document, split: split)
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
}
