import ArgumentParser

/// A comma-separated list of positive integers, e.g. `--workers 1,4,16`.
struct IntList: ExpressibleByArgument, Sendable {
    var values: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = parts.compactMap { Int($0) }
        guard !parts.isEmpty, numbers.count == parts.count, numbers.allSatisfy({ $0 > 0 }) else { return nil }
        values = numbers
    }
}
