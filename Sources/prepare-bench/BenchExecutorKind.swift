import RealPool

/// `--executor`: which executor the worker tasks prefer.
enum BenchExecutorKind: String, Sendable, Hashable, CaseIterable {
    /// The default: tasks run on the cooperative pool, as in most services.
    case global
    /// `Database.ioExecutor`: tasks run on RealPool's I/O thread, resumed without a hand-over.
    case io

    var preference: (any TaskExecutor)? { self == .io ? Database.ioExecutor : nil }

    static func parseList(_ text: String) throws -> [BenchExecutorKind] {
        try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let kind = BenchExecutorKind(rawValue: name) else {
                throw BenchError("unknown executor '\(name)': use global, io or global,io")
            }
            return kind
        }
    }
}
