import RealPoolConnection
import RealPoolNormalizer
/// A target as the registry keeps it: the public handle plus the normalised shape that queries are
/// matched against.
struct RegisteredTarget: Sendable {
    let target: PrepareTarget
    let shape: NormalizedQuery
    /// Target parameters (1-based) that appear at more than one place in the target. A string
    /// literal lifted into such a parameter would get one type for all places, while in the plain
    /// query each written literal is typed by its own context, so such a match runs plainly.
    let sharedParameters: Set<Int>
    /// Registered by `autoPrepareThreshold` rather than by the application.
    let isAutomatic: Bool

    init(target: PrepareTarget, shape: NormalizedQuery, isAutomatic: Bool) {
        self.target = target
        self.shape = shape
        self.isAutomatic = isAutomatic
        var seen = Set<Int>()
        var shared = Set<Int>()
        for case .parameter(let k) in shape.slots where !seen.insert(k).inserted {
            shared.insert(k)
        }
        self.sharedParameters = shared
    }
}
