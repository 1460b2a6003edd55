import RealPoolSupport
import RealPoolConnection
import RealPoolNormalizer

/// The prepare targets of one database: thread-safe, shared by every connection of a pool.
///
/// `register` is called by the application (`db.addPrepareTarget(sql)`), at any time and from any
/// thread; `match` runs on every statement, so it is one dictionary lookup by fingerprint under a
/// short lock, and the slot-by-slot comparison runs outside the lock.
///
/// The registry knows nothing about connections; what it learns from them (a target's parameter
/// types, a failed prepare) is shared knowledge about the target's text, see
/// `PreparedTargetKnowledge`.
public final class PrepareTargetRegistry: Sendable {
    struct State {
        /// Candidates per fingerprint: usually one; several when targets share a canonical text but
        /// differ in which slots are literals (`status = 'a' AND id = $1` and `status = $1 AND id = $2`).
        var byFingerprint: [UInt64: Candidates] = [:]
        /// Identity (canonical text plus slot layout) to target: "the same shape twice".
        var byIdentity: [String: RegisteredTarget] = [:]
        /// Which identity owns each statement name, to detect hash collisions.
        var nameOwners: [String: String] = [:]
        /// Per statement name (a target's statement per type signature, see `StatementVariant`).
        var knowledge: [String: PreparedTargetKnowledge] = [:]
        /// Targets (by `PrepareTarget.name`) whose text has prepared successfully at least once,
        /// with any declared types: the grammar accepts a parameter at each of their slots.
        var parsedTargets: Set<String> = []
        var automaticCount = 0
        /// Executions per canonical text of not-yet-registered preparable shapes.
        var executionCounts: [String: Int] = [:]
        /// Set once rewriting is off for good (see `disableRewriting(because:)`).
        var rewritingDisabledReason: String?
    }

    struct Candidates {
        var targets: [RegisteredTarget] = []
        /// The last query matched against `targets` and its outcome: a hot statement's text comes
        /// back as the very same `NormalizedQuery` from the shape cache, and its match is the same
        /// until a target is added here. The query is held, so its identity cannot be reused by
        /// another text while it is remembered.
        var lastMatch: (query: NormalizedQuery, match: TargetMatch?)?
    }

    let state: Locked<State>

    /// Prepare a preparable shape automatically once it has run this many times (psycopg's
    /// `prepare_threshold`); nil (the default) turns automatic preparation off, so that only the
    /// application's own targets are ever prepared.
    public let autoPrepareThreshold: Int?
    /// How many distinct unregistered shapes `noteExecution` counts at most (bounded memory). When
    /// full, shapes seen only once are forgotten first, then all counts.
    public let maxTrackedShapes: Int
    /// How many targets automatic preparation may add at most, so that an application generating
    /// endless distinct shapes cannot grow the registry without bound.
    public let maxAutomaticTargets: Int

    /// An empty registry; see the properties for the limits.
    public init(autoPrepareThreshold: Int? = nil, maxTrackedShapes: Int = 10_000, maxAutomaticTargets: Int = 1_000) {
        self.autoPrepareThreshold = autoPrepareThreshold.map { max(1, $0) }
        self.maxTrackedShapes = max(1, maxTrackedShapes)
        self.maxAutomaticTargets = max(0, maxAutomaticTargets)
        self.state = Locked(State())
    }

    /// Registers a shape to run as a prepared statement and returns its handle. Registering the
    /// same shape again (any whitespace, comments, keyword case or placeholder style) returns the
    /// same handle. Cheap: the text is normalised once, nothing is sent to a server; statements
    /// are prepared lazily on each connection that runs a matching query.
    ///
    /// Throws `PostgresError` of kind `.invalidInput` for text that must not or cannot be
    /// prepared: several statements, utility statements (DDL, `COPY`, `EXPLAIN`, ...), transaction
    /// control, statements that change session state, text the normaliser cannot lex, parameters
    /// numbered with gaps.
    @discardableResult
    public func register(_ sql: String, style: PlaceholderStyle = .dollar) throws -> PrepareTarget {
        let shape = Normalizer(style: style).normalize(sql)
        try Self.validate(shape)
        // A valid shape is always inserted (the automatic-target limit does not apply).
        return insert(shape, isAutomatic: false)!
    }

    /// Every registered target, in no particular order.
    public var targets: [PrepareTarget] {
        state.withLock { $0.byIdentity.values.map(\.target) }
    }

    /// The hot path: the target `query` can run as, and where each of its parameters comes from;
    /// nil when no target matches (the query then runs plainly).
    public func match(_ query: NormalizedQuery) -> (PrepareTarget, [ParameterSource])? {
        resolveMatch(query).map { ($0.target, $0.sources) }
    }

    func resolveMatch(_ query: NormalizedQuery) -> TargetMatch? {
        guard query.isPreparable, query.isLexable else { return nil }
        guard let candidates = state.withLock({ $0.rewritingDisabledReason == nil ? $0.byFingerprint[query.fingerprint] : nil }) else {
            return nil
        }
        if let last = candidates.lastMatch, last.query.isSameInstance(as: query) { return last.match }
        var best: TargetMatch?
        var bestLiterals = Int.max
        for candidate in candidates.targets {
            guard let sources = query.match(against: candidate.shape) else { continue }
            // Prefer the target that needs the fewest lifted literals: literals written into the
            // target never need a type check.
            let literals = sources.reduce(0) { count, s in
                if case .literal = s { return count + 1 } else { return count }
            }
            if literals < bestLiterals {
                best = TargetMatch(registered: candidate, sources: sources)
                bestLiterals = literals
            }
        }
        state.withLock { state in
            // targets are only ever added: the same count means the same candidates
            guard state.byFingerprint[query.fingerprint]?.targets.count == candidates.targets.count else { return }
            state.byFingerprint[query.fingerprint]?.lastMatch = (query, best)
        }
        return best
    }

    // MARK: knowledge shared between connections

    func knowledge(of name: String) -> PreparedTargetKnowledge {
        state.withLock { $0.knowledge[name] } ?? PreparedTargetKnowledge()
    }

    func recordPrepared(_ name: String, target: String, parameterTypes: [PostgresType]) {
        state.withLock {
            $0.knowledge[name] = PreparedTargetKnowledge(parameterTypes: parameterTypes, lastPrepareFailed: false)
            $0.parsedTargets.insert(target)
        }
    }

    /// Whether any statement of the target (any type signature) has prepared successfully.
    func hasParsed(target: String) -> Bool {
        state.withLock { $0.parsedTargets.contains(target) }
    }

    func recordPrepareFailure(_ name: String) {
        state.withLock { $0.knowledge[name, default: PreparedTargetKnowledge()].lastPrepareFailed = true }
    }

    // MARK: registration internals

    /// Inserts a validated shape, or returns the target already registered for it. Returns nil
    /// only for an automatic target beyond `maxAutomaticTargets`.
    func insert(_ shape: NormalizedQuery, isAutomatic: Bool) -> PrepareTarget? {
        let identity = Self.identity(of: shape)
        let baseName = "rp_" + Self.nameHash(of: shape, identity: identity)
        return state.withLock { state -> PrepareTarget? in
            if let existing = state.byIdentity[identity] { return existing.target }
            if isAutomatic {
                guard state.automaticCount < maxAutomaticTargets else { return nil }
                state.automaticCount += 1
            }
            var name = baseName
            var suffix = 2
            while let owner = state.nameOwners[name], owner != identity {
                name = "\(baseName)_\(suffix)"
                suffix += 1
            }
            let target = PrepareTarget(
                name: name, parameterCount: shape.parameterCount, sql: shape.executableSQL, fingerprint: shape.fingerprint
            )
            let registered = RegisteredTarget(target: target, shape: shape, isAutomatic: isAutomatic)
            state.nameOwners[name] = identity
            state.byIdentity[identity] = registered
            state.byFingerprint[shape.fingerprint, default: Candidates()].targets.append(registered)
            state.byFingerprint[shape.fingerprint]?.lastMatch = nil
            state.executionCounts[shape.canonical] = nil
            return target
        }
    }

    /// What makes two targets "the same shape": the canonical text plus, slot by slot, whether the
    /// target has a parameter there (and which) or a literal (and its value). Two targets with the
    /// same canonical text but different literals are different prepared statements.
    static func identity(of shape: NormalizedQuery) -> String {
        var s = shape.canonical
        for slot in shape.slots {
            switch slot {
            case .parameter(let k): s += "\u{0}$\(k)"
            case .literal(let i):
                let l = shape.literals[i]
                s += "\u{0}\(l.kind.rawValue):\(l.value)"
            }
        }
        return s
    }

    /// The shape's own fingerprint when the target is the plain parameterised form (slots `$1...$n`
    /// in order, no literals), so the name equals what `prepare-bench shape` prints; otherwise a
    /// fingerprint of the full identity, so that targets differing only in literals differ in name.
    static func nameHash(of shape: NormalizedQuery, identity: String) -> String {
        var plain = true
        for (i, slot) in shape.slots.enumerated() {
            guard case .parameter(let k) = slot, k == i + 1 else { plain = false; break }
        }
        return Fingerprint.hex(plain ? shape.fingerprint : Fingerprint.fnv1a(Array(identity.utf8)))
    }

    static func validate(_ shape: NormalizedQuery) throws {
        func reject(_ why: String) -> PostgresError {
            PostgresError(.invalidInput, "cannot register a prepare target: \(why); nothing was registered")
        }
        if shape.sql.utf8.contains(0) { throw reject("the SQL text contains a NUL byte (\\0)") }
        switch shape.kind {
        case .preparable: break
        case .empty: throw reject("the SQL text contains no statement")
        case .multiStatement:
            throw reject("the SQL text contains more than one statement; register each statement on its own")
        case .utility:
            throw reject("it is a utility statement (DDL, COPY, EXPLAIN, SET LOCAL, ...), which PostgreSQL cannot prepare; it runs plainly when executed")
        case .transactionControl:
            throw reject("transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...) cannot be prepared")
        case .sessionState:
            throw reject("it changes session state (SET, LISTEN, temporary tables, advisory locks, SQL-level PREPARE, ...), which must not be hidden in a prepared statement")
        case .unlexable:
            throw reject("the SQL text could not be lexed (\(shape.lexError ?? "unknown problem")), so its shape is unknown")
        }
        if shape.parameterCount > 65535 {
            throw reject("\(shape.parameterCount) parameters; PostgreSQL allows at most 65535")
        }
        var used = Set<Int>()
        for case .parameter(let k) in shape.slots { used.insert(k) }
        if used.count != shape.parameterCount {
            let missing = (1...shape.parameterCount).filter { !used.contains($0) }.map { "$\($0)" }
            throw reject("parameters must be numbered without gaps, but \(missing.joined(separator: ", ")) is not used")
        }
    }
}
