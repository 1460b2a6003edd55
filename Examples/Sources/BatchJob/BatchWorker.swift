import RealPool

/// One thread's share of the job: the ids in `range`, a chunk at a time, each chunk in its own
/// blocking transaction. Everything here waits on the calling thread (`db.blocking`): this is the
/// API for thread-based code, never for async code.
struct BatchWorker: Sendable {
    let number: Int
    let db: Database
    let range: Range<Int>
    let chunk: Int
    let progress: ProgressReporter

    /// Registered as a prepare target in `BatchJobMain`: prepared once per connection, then only
    /// bound and executed, whichever worker's transaction runs it.
    static let markProcessed = "UPDATE realpool_batch_items SET processed_at = now(), checksum = $1 WHERE id = $2"

    func run() throws {
        for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
            let end = min(start + chunk, range.upperBound)
            // every 7th chunk fails once, after its updates: the rollback must undo all of them
            let failOnce = (start / chunk) % 7 == 3
            do {
                try process(start..<end, fail: failOnce)
            } catch is SimulatedFailure {
                progress.noteRetry()
                try process(start..<end, fail: false)
            }
        }
    }

    /// Reads the chunk's unprocessed rows, locks them, and marks each one with its checksum; one
    /// connection for the whole block, committed at its end, rolled back on a throw.
    private func process(_ ids: Range<Int>, fail: Bool) throws {
        let updated = try db.blocking.transaction { tx -> Int in
            let rows = try tx.execute("""
                SELECT id, payload FROM realpool_batch_items
                WHERE id >= \(ids.lowerBound) AND id < \(ids.upperBound) AND processed_at IS NULL
                ORDER BY id FOR UPDATE
                """)
            for row in rows {
                let id = try row.decode(Int.self, column: "id")
                let payload = try row.decode(String.self, column: "payload")
                try tx.execute(Self.markProcessed, Self.checksum(payload), id)
            }
            if fail { throw SimulatedFailure(chunkStart: ids.lowerBound) }
            return rows.count
        }
        // a one-shot statement: the connection is leased for it alone and back in the pool
        // before `execute` returns
        try db.blocking.execute("""
            INSERT INTO realpool_batch_log (worker, first_id, rows) VALUES (\(number), \(ids.lowerBound), \(updated))
            """)
        progress.add(rows: updated)
    }

    /// FNV-1a over the payload, kept positive to fit a bigint: the "work" done per row.
    static func checksum(_ payload: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in payload.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(hash >> 1)
    }
}
