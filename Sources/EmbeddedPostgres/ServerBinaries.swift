import Foundation

/// Where `initdb`, `pg_ctl` and friends live on this machine.
struct ServerBinaries: Sendable {
    let directory: URL

    func path(_ tool: String) -> String { directory.appendingPathComponent(tool).path }

    /// Looks on PATH, then `pg_config --bindir`, then Debian's `/usr/lib/postgresql/<version>/bin`
    /// (newest version first), and takes the first directory holding both initdb and pg_ctl.
    static func locate() throws -> ServerBinaries {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["PATH"] {
            candidates += path.split(separator: ":").map(String.init)
        }
        if let bindir = try? Shell.run("pg_config", ["--bindir"]).trimmingCharacters(in: .whitespacesAndNewlines), !bindir.isEmpty {
            candidates.append(bindir)
        }
        let debian = "/usr/lib/postgresql"
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: debian) {
            let sorted = versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
            candidates += sorted.map { "\(debian)/\($0)/bin" }
        }
        let fm = FileManager.default
        for dir in candidates {
            let initdb = (dir as NSString).appendingPathComponent("initdb")
            let pgctl = (dir as NSString).appendingPathComponent("pg_ctl")
            if fm.isExecutableFile(atPath: initdb), fm.isExecutableFile(atPath: pgctl) {
                // resolve symlinks so that pg_ctl finds its own `postgres`
                let resolved = URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent()
                return ServerBinaries(directory: resolved)
            }
        }
        throw EmbeddedPostgresError.missingBinaries
    }
}
