/// The server-management commands: run to completion, output returned, failure thrown with the
/// command's own message.
enum Shell {
    @discardableResult
    static func run(_ command: String, _ arguments: [String]) throws -> String {
        let outcome = try ChildProcess.run(command, arguments)
        guard outcome.status == 0 else {
            let shown = ([command] + arguments).joined(separator: " ")
            let message = outcome.standardError.isEmpty ? outcome.standardOutput : outcome.standardError
            throw EmbeddedPostgresError("`\(shown)` failed (exit \(outcome.status)): \(message)")
        }
        return outcome.standardOutput
    }
}
