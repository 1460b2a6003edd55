import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for tests, the CLI and the benchmarks.
///
/// `start()` creates a cluster in a fresh temporary directory, listens on a Unix socket in that
/// directory and on loopback TCP at a free port, and `stop()` shuts it down and deletes the
/// directory. A watchdog process does the same if this process dies without stopping it, and the
/// next `start()` removes what a killed earlier run left behind.
///
/// PostgreSQL refuses to run as root; when this process is root, the server runs as the
/// unprivileged `postgres` system user (or `nobody`), through `runuser`.
public final class EmbeddedPostgres: @unchecked Sendable {
    /// The temporary directory holding the cluster, the socket and the log.
    public let root: URL
    public let port: Int
    /// The superuser's name and password (the password is needed over TCP only).
    public let user = "postgres"
    public let password: String
    /// The certificates when started with `tls: true` (the server then runs with `ssl = on`).
    public let tls: TLSCertificates?
    let binaries: ServerBinaries
    let runAs: String?
    private let logger: Logger
    private var running = true
    private let lock = NSLock()

    static let prefix = "realpool-pg-"

    /// Unix-socket conninfo for the superuser (trust authentication).
    public var connectionString: String {
        "host=\(socketDirectory) port=\(port) user=\(user) dbname=postgres"
    }

    /// Loopback TCP URL with the password (scram-sha-256 authentication).
    public var tcpURL: String {
        "postgres://\(user):\(password)@127.0.0.1:\(port)/postgres"
    }

    public var socketDirectory: String { root.appendingPathComponent("socket").path }
    var dataDirectory: String { root.appendingPathComponent("data").path }
    var logFile: String { root.appendingPathComponent("server.log").path }

    private init(root: URL, port: Int, password: String, tls: TLSCertificates?, binaries: ServerBinaries, runAs: String?, logger: Logger) {
        self.root = root
        self.port = port
        self.password = password
        self.tls = tls
        self.binaries = binaries
        self.runAs = runAs
        self.logger = logger
    }

    deinit { stop() }

    /// Creates and starts a new cluster. Takes a few seconds (initdb dominates).
    ///
    /// With `tls`, a throwaway CA and a server certificate for `localhost` and `127.0.0.1` are
    /// made in the server's directory (see ``TLSCertificates``) and the server runs with
    /// `ssl = on`; clients choose with `sslmode` (`require`, or `verify-full` with `sslrootcert`
    /// set to ``TLSCertificates/caCertificate``). The Unix socket never uses TLS.
    public static func start(tls: Bool = false, logger: Logger = Logger(label: "EmbeddedPostgres")) throws -> EmbeddedPostgres {
        let binaries = try ServerBinaries.locate()
        removeLeftovers(binaries: binaries, logger: logger)
        let runAs = try unprivilegedUserIfRoot()
        let root = try makeRoot(owner: runAs)
        let password = randomPassword()
        let port = try freePort()
        let certificates: TLSCertificates?
        do {
            certificates = tls ? try makeCertificates(in: root, owner: runAs) : nil
        } catch {
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        let server = EmbeddedPostgres(root: root, port: port, password: password, tls: certificates, binaries: binaries, runAs: runAs, logger: logger)
        do {
            try server.initialize()
            try server.startServer()
            server.startWatchdog()
        } catch {
            server.stop()
            throw error
        }
        logger.info("embedded PostgreSQL started", metadata: ["dir": "\(root.path)", "port": "\(port)"])
        return server
    }

    /// Stops the server (fast shutdown) and deletes its directory. Idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard running else { return }
        running = false
        _ = try? runTool("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"])
        try? FileManager.default.removeItem(at: root)
    }

    /// `pg_ctl restart -m fast`: every connection is terminated, prepared statements vanish.
    public func restart() throws {
        try runTool("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "-l", logFile, "restart"])
    }

    /// Stops the server but keeps the cluster, for tests of a server that goes away.
    public func stopServer() throws {
        try runTool("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"])
    }

    /// Starts a cluster stopped by ``stopServer()``.
    public func startServer() throws {
        try runTool("pg_ctl", ["-D", dataDirectory, "-w", "-t", "60", "-l", logFile, "start"])
    }

    // MARK: setup

    private func initialize() throws {
        let pwfile = root.appendingPathComponent("pwfile").path
        try password.write(toFile: pwfile, atomically: true, encoding: .utf8)
        try chown(pwfile)
        try runTool("initdb", [
            "-D", dataDirectory, "-U", user, "--pwfile", pwfile, "-E", "UTF8", "--locale", "C",
            "--auth-local", "trust", "--auth-host", "scram-sha-256", "--no-sync",
        ])
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        try chown(socketDirectory)
        // Tuned for a throwaway server: durability off (a crash loses nothing we need), enough
        // connections for pool tests, and quiet logs.
        let settings = """

            # RealPool embedded server
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(socketDirectory)'
            max_connections = 300
            shared_buffers = 128MB
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_prepared_transactions = 20
            log_min_messages = warning
            log_min_error_statement = panic
            """ + tlsSettings
        let conf = dataDirectory + "/postgresql.conf"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: conf))
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        try handle.close()
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        try chown(logFile)
    }

    /// `ssl = on` and the certificate files, or nothing.
    private var tlsSettings: String {
        guard let tls else { return "" }
        return """

            ssl = on
            ssl_cert_file = '\(tls.serverCertificate)'
            ssl_key_file = '\(tls.serverKey)'
            """
    }

    private static func makeCertificates(in root: URL, owner: String?) throws -> TLSCertificates {
        let directory = root.appendingPathComponent("tls")
        let certificates = try TLSCertificates.generate(in: directory)
        // the key must belong to the server's user (PostgreSQL refuses a key others can read)
        if let owner { try Shell.run("chown", ["-R", owner, directory.path]) }
        return certificates
    }

    /// A shell loop that outlives us only long enough to clean up after a crash.
    private func startWatchdog() {
        let pid = getpid()
        let pgctl = runAs.map { "runuser -u \($0) -- \(binaries.path("pg_ctl"))" } ?? binaries.path("pg_ctl")
        let script = """
            while kill -0 \(pid) 2>/dev/null; do sleep 1; done
            \(pgctl) -D '\(dataDirectory)' -m immediate -w stop >/dev/null 2>&1
            rm -rf '\(root.path)'
            """
        // `sh -c "... &"` returns at once and leaves the loop running, detached from us
        _ = try? Shell.run("/bin/sh", ["-c", "( \(script) ) >/dev/null 2>&1 &"])
    }

    @discardableResult
    private func runTool(_ tool: String, _ args: [String]) throws -> String {
        if let runAs {
            return try Shell.run("runuser", ["-u", runAs, "--", binaries.path(tool)] + args)
        }
        return try Shell.run(binaries.path(tool), args)
    }

    private func chown(_ path: String) throws {
        guard let runAs else { return }
        try Shell.run("chown", ["-R", runAs, path])
    }

    private static func unprivilegedUserIfRoot() throws -> String? {
        guard geteuid() == 0 else { return nil }
        for name in ["postgres", "nobody"] where getpwnam(name) != nil {
            return name
        }
        throw EmbeddedPostgresError("running as root, and neither a `postgres` nor a `nobody` user exists to run the server as (PostgreSQL refuses to run as root). Install `postgresql` (it creates the postgres user).")
    }

    /// A new directory for a cluster, already marked with our PID when it appears under its
    /// final name. It is made under another prefix and renamed once `owner.pid` is in it: a
    /// server starting at the same moment (tests start several at once) looks for leftovers, and
    /// would otherwise take a directory made a moment ago, with no `owner.pid` yet, for one that
    /// a killed run left behind, and delete it under us.
    private static func makeRoot(owner: String?) throws -> URL {
        var template = Array((NSTemporaryDirectory() + "/" + startingPrefix + "XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else {
            throw EmbeddedPostgresError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        let starting = String(cString: p)
        let path = NSTemporaryDirectory() + "/" + prefix + String(starting.suffix(6))
        do {
            try String(getpid()).write(toFile: starting + "/owner.pid", atomically: true, encoding: .utf8)
            guard rename(starting, path) == 0 else {
                throw EmbeddedPostgresError("cannot rename \(starting) to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: starting)
            throw error
        }
        if let owner { try Shell.run("chown", [owner, path]) }
        return URL(fileURLWithPath: path)
    }

    /// The prefix of a directory while it is being made (see `makeRoot`).
    static let startingPrefix = "realpool-pgnew-"

    /// Stops and deletes clusters whose owning process is gone (a test run that was killed).
    static func removeLeftovers(binaries: ServerBinaries, logger: Logger) {
        let tmp = NSTemporaryDirectory()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: tmp) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let dir = (tmp as NSString).appendingPathComponent(entry)
            let ownerText = (try? String(contentsOfFile: dir + "/owner.pid", encoding: .utf8)) ?? ""
            if let owner = Int32(ownerText.trimmingCharacters(in: .whitespacesAndNewlines)), kill(owner, 0) == 0 || errno == EPERM {
                continue  // still in use by a live process
            }
            // the postmaster's PID is the first line of postmaster.pid
            if let pidText = try? String(contentsOfFile: dir + "/data/postmaster.pid", encoding: .utf8),
               let first = pidText.split(separator: "\n").first, let pid = Int32(first) {
                kill(pid, SIGQUIT)
                for _ in 0..<50 where kill(pid, 0) == 0 { usleep(100_000) }
                if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
            }
            try? FileManager.default.removeItem(atPath: dir)
            logger.info("removed a leftover embedded PostgreSQL", metadata: ["dir": "\(dir)"])
        }
    }

    /// A loopback TCP port that nothing listens on right now (for tests of unreachable servers).
    public static func unusedLoopbackPort() throws -> Int { try freePort() }

    /// Binds port 0 on loopback and returns what the kernel chose.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EmbeddedPostgresError("socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0 else { throw EmbeddedPostgresError("bind(): \(String(cString: strerror(errno)))") }
        let named = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        guard named == 0 else { throw EmbeddedPostgresError("getsockname(): \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func randomPassword() -> String {
        let chars = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<24).map { _ in chars.randomElement()! })
    }
}
