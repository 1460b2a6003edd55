import RealPoolConnection
import RealPoolNormalizer
/// A query matched to a target: which target, and where each of its parameters comes from.
struct TargetMatch: Sendable {
    let registered: RegisteredTarget
    /// One source per target parameter `$1...$n`.
    let sources: [ParameterSource]

    var target: PrepareTarget { registered.target }

    /// Whether any parameter is fed by a literal written in the query.
    var liftsLiterals: Bool {
        sources.contains { if case .literal = $0 { return true } else { return false } }
    }
}
