import ArgumentParser

/// How statements run: as sent (`plain`), as registered prepare targets (`prepared`), or prepared
/// automatically once a shape has run a few times (`auto`).
enum BenchMode: String, CaseIterable, Sendable, Codable, Comparable {
    case plain, prepared, auto

    /// `auto` prepares a shape after it has run this many times.
    static let autoThreshold = 5

    static func < (a: BenchMode, b: BenchMode) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Parses `plain`, `prepared`, `auto`, `all` or a comma list of them.
    static func parseList(_ text: String) throws -> [BenchMode] {
        var modes: [BenchMode] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if item == "all" {
                modes += allCases
            } else if let mode = BenchMode(rawValue: item) {
                modes.append(mode)
            } else {
                throw BenchError("unknown mode `\(item)` (expected plain, prepared, auto or all)")
            }
        }
        return modes
    }
}
