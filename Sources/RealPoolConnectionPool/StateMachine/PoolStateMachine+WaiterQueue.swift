extension PoolStateMachine {
    /// First-come first-served queue of waiters with O(1) append, pop, push-front and removal by id.
    ///
    /// Removal by id (cancellation, timeout) only drops the waiter from the dictionary and leaves a
    /// tombstone in the order array that `popFirst` skips; the array is compacted when tombstones pile up.
    /// This keeps the common paths cheap even with `maxWaiters` (10 000) requests queued.
    package struct WaiterQueue: Sendable {
        private var order: [RequestID] = []
        private var head = 0
        private var waiters: [RequestID: Waiter] = [:]

        package var count: Int { waiters.count }
        var isEmpty: Bool { waiters.isEmpty }

        subscript(id: RequestID) -> Waiter? {
            get { waiters[id] }
            set {
                // Only updates of queued waiters; insertion goes through `append`/`pushFront`.
                precondition(waiters[id] != nil && newValue?.id == id)
                waiters[id] = newValue
            }
        }

        func contains(_ id: RequestID) -> Bool { waiters[id] != nil }

        mutating func append(_ waiter: Waiter) {
            precondition(waiters[waiter.id] == nil, "request \(waiter.id) queued twice")
            waiters[waiter.id] = waiter
            order.append(waiter.id)
        }

        /// Puts a waiter back at the head (a connection handed to it turned out to be broken).
        mutating func pushFront(_ waiter: Waiter) {
            precondition(waiters[waiter.id] == nil, "request \(waiter.id) queued twice")
            waiters[waiter.id] = waiter
            if head > 0 {
                head -= 1
                order[head] = waiter.id
            } else {
                order.insert(waiter.id, at: 0)
            }
        }

        /// The head waiter, without removing it (drops tombstones in front of it on the way).
        mutating func first() -> Waiter? {
            while head < order.count {
                if let waiter = waiters[order[head]] { return waiter }
                head += 1
            }
            return nil
        }

        mutating func popFirst() -> Waiter? {
            while head < order.count {
                let id = order[head]
                head += 1
                if let waiter = waiters.removeValue(forKey: id) {
                    compactIfNeeded()
                    return waiter
                }
            }
            order.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }

        @discardableResult
        mutating func remove(_ id: RequestID) -> Waiter? {
            guard let waiter = waiters.removeValue(forKey: id) else { return nil }
            compactIfNeeded()
            return waiter
        }

        /// Removes every waiter, returning them first-come first-served.
        mutating func removeAll() -> [Waiter] {
            var result: [Waiter] = []
            result.reserveCapacity(waiters.count)
            while let waiter = popFirst() { result.append(waiter) }
            return result
        }

        /// The waiters in queue order (for invariants and tests; O(n)).
        package var orderedIDs: [RequestID] {
            order[head...].filter { waiters[$0] != nil }
        }

        private mutating func compactIfNeeded() {
            let slots = order.count - head
            if waiters.isEmpty {
                order.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024 && head > order.count / 2 {
                order.removeFirst(head)
                head = 0
            } else if slots > 2 * waiters.count + 1024 {
                order = order[head...].filter { waiters[$0] != nil }
                head = 0
            }
        }
    }
}
