import Foundation

/// Outside programs some tests need (pgbouncer, Python clients). Missing, those tests are
/// reported as skipped with the reason; under `REALPOOL_REQUIRE_OPTIONAL_TOOLS=1` (set by
/// `.ci/run`, which installs them) they run anyway, so a missing program fails them.
enum OptionalTools {
    static var required: Bool { ProcessInfo.processInfo.environment["REALPOOL_REQUIRE_OPTIONAL_TOOLS"] == "1" }
}
