import Foundation

/// A workload's text before parsing: a built-in `Fixtures/bench/workloads/NAME.workload` or a file.
struct WorkloadSource: Sendable {
    var text: String
    /// For messages: `point (built-in)` or the path.
    var source: String
    /// The name unless the file says `workload NAME`.
    var defaultName: String

    /// A built-in name or a file path.
    static func resolve(_ name: String, in directory: FixtureDirectory) throws -> WorkloadSource {
        let builtIn = directory.workloads.appendingPathComponent("\(name).workload")
        let fm = FileManager.default
        if !name.contains("/"), fm.fileExists(atPath: builtIn.path) {
            return WorkloadSource(text: try String(contentsOf: builtIn, encoding: .utf8), source: "\(name) (built-in)", defaultName: name)
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue {
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                throw BenchError("cannot read workload file \(name)")
            }
            let base = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
            return WorkloadSource(text: text, source: name, defaultName: base)
        }
        throw BenchError("unknown workload `\(name)`: not one of \(directory.builtInWorkloads.joined(separator: ", ")) and no such file")
    }

    func parse(variables: [String: Int]) throws -> Workload {
        try WorkloadParser(variables: variables).parse(text, source: source, defaultName: defaultName)
    }

    /// The table names of schema.sql, each with a placeholder row count, and `scale`: enough to
    /// parse the workloads before the fixtures are loaded, so that a bad file fails fast.
    static func provisionalVariables(_ directory: FixtureDirectory, scale: Int) -> [String: Int] {
        var variables = ["scale": scale]
        let text = (try? String(contentsOf: directory.schema, encoding: .utf8)) ?? ""
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count >= 3, words[0].uppercased() == "CREATE", words[1].uppercased() == "TABLE" {
                variables[String(words[2]).lowercased()] = 1
            }
        }
        return variables
    }
}
