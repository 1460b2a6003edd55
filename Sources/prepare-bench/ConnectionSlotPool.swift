import RealPool

/// A deliberately simple pool of at most `size` raw `Connection`s, each leased to one caller at a
/// time, with a FIFO of waiters. Used only by the explicit-prepare fallback executor (until the
/// library's rewriting layer is wired in); it remembers, per connection, which statements that
/// connection has prepared.
actor ConnectionSlotPool {
    /// One physical connection and what it has prepared. Used by one lessee at a time.
    final class Slot: @unchecked Sendable {
        let connection: Connection
        /// SQL text → statement name, for statements prepared on this connection.
        var prepared: [String: String] = [:]
        /// SQL text → executions, for automatic preparation.
        var executions: [String: Int] = [:]
        init(connection: Connection) { self.connection = connection }
    }

    let configuration: ConnectionConfiguration
    let searchPath: String
    let size: Int
    private var idle: [Slot] = []
    private var all: [Slot] = []
    private var slotsTaken = 0
    private var inUse = 0
    private(set) var opened = 0
    private(set) var maxInUse = 0
    private var waiters: [CheckedContinuation<Slot, any Error>] = []

    init(configuration: ConnectionConfiguration, searchPath: String, size: Int) {
        self.configuration = configuration
        self.searchPath = searchPath
        self.size = size
    }

    func acquire() async throws -> Slot {
        if let slot = idle.popLast() {
            noteLeased()
            return slot
        }
        if slotsTaken < size {
            slotsTaken += 1
            noteLeased()
            do {
                let connection = try await Connection.connect(configuration)
                _ = try await connection.query("SELECT set_config('search_path', $1, false)", [searchPath])
                let slot = Slot(connection: connection)
                opened += 1
                all.append(slot)
                return slot
            } catch {
                slotsTaken -= 1
                inUse -= 1
                throw error
            }
        }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    func release(_ slot: Slot) {
        if slot.connection.isBroken || slot.connection.isClosed {
            slot.connection.close()
            all.removeAll { $0 === slot }
            slotsTaken -= 1
            inUse -= 1
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: slot)
        } else {
            idle.append(slot)
            inUse -= 1
        }
    }

    func close() {
        for w in waiters { w.resume(throwing: BenchError("pool closed")) }
        waiters = []
        for slot in all { slot.connection.close() }
        all = []
        idle = []
    }

    private func noteLeased() {
        inUse += 1
        maxInUse = max(maxInUse, inUse)
    }
}
