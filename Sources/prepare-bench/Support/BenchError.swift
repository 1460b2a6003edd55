/// A failure the tool reports as one line on stderr (never a stack dump), then exits non-zero.
struct BenchError: Error, CustomStringConvertible, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }

    /// Any error as one line: the first line of its description (PostgreSQL's DETAIL and HINT,
    /// when present, are appended after a separator instead of on lines of their own).
    static func oneLine(_ error: any Error) -> String {
        let text = String(describing: error)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.joined(separator: " — ")
    }
}
