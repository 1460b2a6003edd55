import RealPoolConnection
import RealPoolNormalizer
/// The prepared statement a matched query runs as: the target's text, prepared with the types of
/// what fills its parameters declared (Parse's parameter types).
///
/// A lifted number is declared with the literal's own type (`LiftedLiteral.declaredTypeOID`), a
/// caller's parameter with the type it was given (`.unspecified` stays undeclared), and a string
/// literal stays undeclared, like the `unknown`-typed constant it is. The plain query is parsed
/// from the caller's text with the caller's types; the prepared one from the target's text with
/// these declarations, so the two resolve every operator, function and coercion alike.
///
/// One target therefore has one statement per *type signature* of its fillers (a handful in
/// practice: `id = 42` and `id = 5000000000` differ). The signature is part of the statement name,
/// `rp_<fingerprint>_<signature hash>`, so variants live side by side in the per-connection cache
/// (each counted, evicted and healed on its own); a target filled only by undeclared values keeps
/// the target's own name.
struct StatementVariant: Sendable, Equatable {
    /// The server-side statement name.
    let name: String
    /// The declared type of each target parameter; empty when none is declared.
    let declaredTypes: [PostgresType]

    init(name: String, declaredTypes: [PostgresType]) {
        self.name = name
        self.declaredTypes = declaredTypes
    }

    /// The variant for `match` filled from `parameters` (the caller's, by number).
    init(_ match: TargetMatch, parameters: [PostgresBind]) {
        let sources = match.sources
        func type(_ k: Int) -> PostgresType {
            switch sources[k] {
            case .literal(let literal): return PostgresType(literal.declaredTypeOID)
            case .queryParameter(let n): return n >= 1 && n <= parameters.count ? parameters[n - 1].type : .unspecified
            }
        }
        // The common case, nothing declared: no allocation on the hot path.
        guard let first = sources.indices.first(where: { type($0) != .unspecified }) else {
            self.init(name: match.target.name, declaredTypes: [])
            return
        }
        var types = [PostgresType](repeating: .unspecified, count: sources.count)
        for k in first..<sources.count { types[k] = type(k) }
        self.init(name: Self.name(match.target.name, declaredTypes: types), declaredTypes: types)
    }

    /// `base_<16 hex digits>`: the FNV-1a hash of the declared OIDs, parameter by parameter.
    /// At most 3 + 16 + 3 + 17 bytes, well inside PostgreSQL's 63-byte names.
    static func name(_ base: String, declaredTypes: [PostgresType]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(declaredTypes.count * 4)
        for type in declaredTypes {
            let oid = type.rawValue
            bytes.append(UInt8(truncatingIfNeeded: oid))
            bytes.append(UInt8(truncatingIfNeeded: oid >> 8))
            bytes.append(UInt8(truncatingIfNeeded: oid >> 16))
            bytes.append(UInt8(truncatingIfNeeded: oid >> 24))
        }
        return base + "_" + Fingerprint.hex(Fingerprint.fnv1a(bytes))
    }

    /// The declared type of target parameter `k` (0-based); `.unspecified` when undeclared.
    func declaredType(_ k: Int) -> PostgresType {
        k < declaredTypes.count ? declaredTypes[k] : .unspecified
    }
}
