import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// What `db.report()` shows: one row per physical connection.
public struct PoolReport: Sendable, CustomStringConvertible {
    /// One physical connection in the report.
    public struct Entry: Sendable {
        /// The server process serving it; nil while it is being opened.
        public let backendPID: Int32?
        /// idle, leased, in transaction, failed transaction, broken, connecting, checking, resetting, closing
        public let state: String
        /// Where the current lease was taken (`file:line`), if leased.
        public let lessee: CallSite?
        /// How long the current lease has lasted, if leased.
        public let heldFor: Duration?
        /// The last statement's text (truncated), never its parameter values.
        public let lastStatement: String?
        /// Statements prepared on this connection (its statement cache's size).
        public let preparedStatements: Int
        /// Time since the connection was opened.
        public let age: Duration
    }

    /// The pool's name (``DatabaseConfiguration/name``).
    public let poolName: String
    /// One entry per physical connection.
    public let entries: [Entry]
    /// The pool and statement-cache counters, as in ``Database/statistics``.
    public let statistics: [String: Int]

    /// A plain-text table, one line per connection, then the counters.
    public var description: String {
        func ms(_ d: Duration?) -> String {
            guard let d else { return "-" }
            let v = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            return v >= 10_000 ? "\(Int(v / 1000))s" : "\(Int(v))ms"
        }
        var rows = [["pid", "state", "lessee", "held", "age", "prepared", "last statement"]]
        for e in entries {
            rows.append([e.backendPID.map(String.init) ?? "-", e.state, e.lessee?.description ?? "-", ms(e.heldFor), ms(e.age),
                         String(e.preparedStatements), e.lastStatement ?? "-"])
        }
        let widths = (0..<7).map { col in rows.map { $0[col].count }.max() ?? 0 }
        var out = "pool \(poolName)\n"
        for row in rows {
            out += row.enumerated().map { i, cell in i == 6 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
        }
        out += statistics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return out
    }
}

extension Database {
    /// One row per physical connection (backend PID, state, lessee call site, how long it has
    /// been held, last statement, age) and the pool's counters.
    public func report() -> PoolReport {
        let entries = pool.snapshot().map { snap -> PoolReport.Entry in
            var state = snap.state
            if let info = snap.resource?.snapshot {
                if info.broken {
                    state = "broken"
                } else if snap.state == "leased" {
                    switch info.transactionStatus {
                    case .inTransaction: state = "in transaction"
                    case .inFailedTransaction: state = "failed transaction"
                    default: break
                    }
                }
            }
            return PoolReport.Entry(
                backendPID: snap.resource?.connection.backendPID, state: state, lessee: snap.lessee,
                heldFor: snap.leasedFor, lastStatement: snap.resource?.snapshot.lastStatement,
                preparedStatements: snap.resource?.snapshot.preparedStatements ?? 0, age: snap.age)
        }
        return PoolReport(poolName: configuration.name, entries: entries, statistics: statistics.asDictionary())
    }
}

import Foundation
