import EmbeddedPostgres
import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
#if canImport(Glibc)
import Glibc
#endif

/// A PgBouncer the test starts itself, in front of an embedded server, on a free loopback port.
///
/// Transaction pooling with fewer server connections than the clients RealPool opens, so that
/// successive requests of one client connection land on different backends, which is what breaks
/// naive prepared statements. Clients are trusted (the user must still be in the userlist);
/// PgBouncer reaches the server over its Unix socket, which the embedded server trusts. As root
/// it runs as the server's unprivileged user, through `runuser`, like the server itself.
final class PgBouncer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let lock = NSLock()
    private var running = true

    /// Conninfo for a client of the pooler.
    var connectionString: String { "host=127.0.0.1 port=\(port) user=postgres dbname=postgres sslmode=disable" }

    /// Where Debian's package puts the binary.
    static let candidates = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"]
    static var binary: String? { candidates.first { FileManager.default.isExecutableFile(atPath: $0) } }

    /// The tests that need PgBouncer run when it is installed, and are reported as skipped with
    /// the reason otherwise. `.ci/run` sets `REALPOOL_REQUIRE_OPTIONAL_TOOLS=1`: then they run
    /// anyway, and a missing binary fails them with the install command.
    static var installedOrRequired: ConditionTrait {
        .enabled(if: binary != nil || OptionalTools.required,
                 "pgbouncer is not installed: `apt-get install pgbouncer` to run these tests")
    }

    private init(port: Int, directory: URL) {
        self.port = port
        self.directory = directory
    }

    // the last resort; fixtures stop it themselves, off the cooperative pool
    deinit { stop() }

    /// Starts PgBouncer (see `waitUntilReady`). Throws a clear error when the
    /// binary is missing (a machine without the `pgbouncer` package): the test then fails.
    static func start(inFrontOf front: EmbeddedPostgres, poolMode: String = "transaction", serverConnections: Int = 2) throws -> PgBouncer {
        guard let binary else {
            throw TestFailure("pgbouncer is not installed (looked in \(candidates.joined(separator: ", "))): `apt-get install pgbouncer` (.ci/run does)")
        }
        let runAs = geteuid() == 0 ? "postgres" : nil
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("realpool-pgbouncer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bouncer = PgBouncer(port: try EmbeddedPostgres.unusedLoopbackPort(), directory: directory)
        let ini = directory.appendingPathComponent("pgbouncer.ini").path
        let userlist = directory.appendingPathComponent("userlist.txt").path
        try "\"postgres\" \"\"\n".write(toFile: userlist, atomically: true, encoding: .utf8)
        let config = """
            [databases]
            postgres = host=\(front.socketDirectory) port=\(front.port) dbname=postgres user=postgres

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(bouncer.port)
            unix_socket_dir =
            auth_type = trust
            auth_file = \(userlist)
            pool_mode = \(poolMode)
            default_pool_size = \(serverConnections)
            max_client_conn = 200
            server_reset_query =
            ignore_startup_parameters = extra_float_digits
            logfile = \(directory.appendingPathComponent("pgbouncer.log").path)
            pidfile = \(bouncer.pidFile)
            """
        try config.write(toFile: ini, atomically: true, encoding: .utf8)
        if let runAs { try check(ChildProcess.run("chown", ["-R", runAs, directory.path])) }
        // -d: PgBouncer daemonizes once it listens, so the command returns when it is ready
        let command = runAs.map { ["runuser", "-u", $0, "--", binary] } ?? [binary]
        bouncer.startWatchdog()
        try check(ChildProcess.run(command[0], Array(command.dropFirst()) + ["-d", ini]))
        return bouncer
    }

    private var iniPath: String { directory.appendingPathComponent("pgbouncer.ini").path }
    private var pidFile: String { directory.appendingPathComponent("pgbouncer.pid").path }

    /// A shell loop that stops this PgBouncer once the test process is gone, however it ended
    /// (a crash, a kill, a test that never reached its clean-up): a daemon must not outlive us.
    private func startWatchdog() {
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            [ -f '\(pidFile)' ] && kill -KILL "$(cat '\(pidFile)')"
            rm -rf '\(directory.path)'
            """
        _ = try? ChildProcess.run("/bin/sh", ["-c", "( \(script) ) >/dev/null 2>&1 &"])
    }

    /// The processes running this instance's configuration. Found by their command line, not the
    /// pid file: with `-d` the parent returns once it has forked, and the daemon writes the pid
    /// file after that, so a stop right after a start could find no pid file yet.
    private func processes() -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let wanted = Array(iniPath.utf8)
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != getpid(),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let arguments = cmdline.split(separator: 0)
            guard arguments.contains(where: { Array($0) == wanted }),
                  arguments.first.map({ String(decoding: $0, as: UTF8.self).hasSuffix("pgbouncer") }) == true else { return nil }
            return Self.isRunning(pid) ? pid : nil
        }
    }

    /// SIGTERM (immediate shutdown), then waits for the process to be gone and deletes the
    /// directory. Idempotent. Blocks for up to about 5 s: call it off the cooperative pool.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard running else { return }
        running = false
        var pids = processes()
        for pid in pids { kill(pid, SIGTERM) }
        // bounded wait for the exit (it closes its sockets first), then make sure
        for _ in 0..<250 where !pids.isEmpty {
            pids = pids.filter(Self.isRunning)
            if !pids.isEmpty { usleep(20_000) }
        }
        for pid in pids { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Waits until the pooler accepts and serves a client (a bounded wait on a condition).
    func waitUntilReady() async throws {
        let config = ConnectionConfiguration(connectionString, connectTimeout: .seconds(5))
        try await TestServer.waitUntil(timeout: .seconds(30), "pgbouncer on port \(port) serves a query") {
            guard let c = try? await Connection.connect(config) else { return false }
            defer { c.close() }
            return (try? await c.query("SELECT 1")) != nil
        }
    }

    /// A direct client of the pooler (no RealPool pool), for pinning server connections.
    func connect() async throws -> Connection {
        try await Connection.connect(ConnectionConfiguration(connectionString, connectTimeout: .seconds(30), applicationName: "PgBouncerSide"))
    }

    /// Alive and not a zombie: the daemon's parent is whatever adopted it, which may reap late,
    /// so `kill(pid, 0)` alone would wait for a process that has already exited.
    private static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
        let text = String(decoding: stat, as: UTF8.self)
        // the state follows the command name in parentheses: "pid (comm) S ..."
        guard let close = text.lastIndex(of: ")") else { return true }
        return !text[text.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// PgBouncer's own log, for failure messages.
    var log: String {
        (FileManager.default.contents(atPath: directory.appendingPathComponent("pgbouncer.log").path))
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    private static func check(_ outcome: ChildProcess.Outcome) throws {
        guard outcome.status == 0 else {
            throw TestFailure("pgbouncer set-up failed (exit \(outcome.status)): \(outcome.standardError)\(outcome.standardOutput)")
        }
    }
}
