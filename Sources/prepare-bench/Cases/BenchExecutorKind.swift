import RealPool

/// `--executor`: which executor the worker tasks prefer.
struct BenchExecutorKind: Sendable, Hashable {
    /// I/O threads the workers are spread over; 0 for the global executor.
    let ioThreads: Int

    /// The default: tasks run on the cooperative pool, as in most services.
    static let global = BenchExecutorKind(ioThreads: 0)
    /// `Database.ioExecutor`: tasks run on RealPool's I/O thread, resumed without a hand-over.
    static let io = BenchExecutorKind(ioThreads: 1)

    /// `global`, `io`, or `ioN` for N I/O threads (`Database.ioExecutors(N)`), worker i on thread i mod N.
    var rawValue: String {
        switch ioThreads {
        case 0: "global"
        case 1: "io"
        default: "io\(ioThreads)"
        }
    }

    /// The executor worker `worker` prefers (nil: the global executor).
    func preference(forWorker worker: Int) -> (any TaskExecutor)? {
        guard ioThreads > 0 else { return nil }
        let executors = Database.ioExecutors(ioThreads)
        return executors[worker % executors.count]
    }

    static func parseList(_ text: String) throws -> [BenchExecutorKind] {
        try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            switch name {
            case "global": return .global
            case "io": return .io
            case _ where name.hasPrefix("io"):
                if let n = Int(name.dropFirst(2)), (1...16).contains(n) { return BenchExecutorKind(ioThreads: n) }
                fallthrough
            default:
                throw BenchError("unknown executor '\(name)': use global, io, or ioN for N I/O threads (io2 ... io16), comma-separated")
            }
        }
    }
}
