import ArgumentParser
import Foundation

/// The options `run` and `soak` share, and their start-up: the server they run against (`--dsn`,
/// else `$DATABASE_URL`, else an embedded one), progress on stderr unless `--quiet`, errors-only
/// library logging, and the cleanup registry that stops the server on every way out.
struct ServerOptions: ParsableArguments {
    @Option(help: "PostgreSQL connection string or URL of an existing server (default: $DATABASE_URL, else an embedded server).")
    var dsn: String?

    @Flag(help: "No progress output on stderr.")
    var quiet = false

    /// `--dsn`, else a non-empty `$DATABASE_URL`; nil for the embedded server.
    var connectionString: String? {
        dsn ?? ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An empty `--dsn` would silently mean libpq's default server.
    func validateDSN() throws {
        if let dsn, dsn.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--dsn is empty") }
    }

    /// Runs `body` with progress and the cleanup registry (signal handlers installed), and runs the
    /// cleanup after it. A thrown error is one line on stderr, `<errorPrefix>: <message>`, and exit
    /// status 1.
    func launch<Result>(errorPrefix: String, _ body: (ProgressReporter, CleanupRegistry) async throws -> Result) async throws -> Result {
        BenchLogging.bootstrapErrorsOnly()
        let cleanup = CleanupRegistry.shared
        cleanup.installSignalHandlers()
        let progress = ProgressReporter(enabled: !quiet)
        let result: Result
        do {
            result = try await body(progress, cleanup)
        } catch {
            progress.finish()
            cleanup.runAll()
            let message = error is BenchError ? String(describing: error) : BenchError.oneLine(error)
            FileHandle.standardError.write(Data("\(errorPrefix): \(message)\n".utf8))
            throw ExitCode(1)
        }
        cleanup.runAll()
        return result
    }

    /// The given server or a new embedded one, which the cleanup registry stops and deletes.
    func startServer(progress: ProgressReporter, cleanup: CleanupRegistry) throws -> BenchServer {
        let dsn = connectionString
        progress.note(dsn == nil ? "starting the embedded PostgreSQL" : "connecting to the given server")
        let server = try BenchServer.start(dsn: dsn)
        cleanup.add("server") { server.stop() }
        return server
    }
}
