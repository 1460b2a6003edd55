import ArgumentParser
import Foundation

@main
struct PrepareBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-bench",
        abstract: "Measures plain vs prepared throughput and the release-ASAP effect on a real PostgreSQL.",
        subcommands: [RunCommand.self, ShapeCommand.self, SoakCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Like ArgumentParser's own `main()`, but a bad option is one line on stderr (no usage
    /// dump), and help still prints in full.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if !message.isEmpty {
                FileHandle.standardError.write(Data("prepare-bench: \(message)\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
