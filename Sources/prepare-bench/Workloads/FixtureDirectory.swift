import Foundation

/// Where `Fixtures/bench` is: `--fixtures DIR`, else found by walking up from the executable and
/// from this source file to the directory holding Package.swift.
struct FixtureDirectory: Sendable {
    let url: URL

    var schema: URL { url.appendingPathComponent("schema.sql") }
    var data: URL { url.appendingPathComponent("data.sql") }
    var workloads: URL { url.appendingPathComponent("workloads") }

    static func locate(_ override: String?, filePath: String = #filePath) throws -> FixtureDirectory {
        let fm = FileManager.default
        if let override {
            let url = URL(fileURLWithPath: override)
            // accept either Fixtures/bench itself or a directory containing bench/
            for candidate in [url, url.appendingPathComponent("bench"), url.appendingPathComponent("Fixtures/bench")]
            where fm.fileExists(atPath: candidate.appendingPathComponent("schema.sql").path) {
                return FixtureDirectory(url: candidate)
            }
            throw BenchError("--fixtures \(override): no schema.sql there (expected the Fixtures/bench directory)")
        }
        var starts = [URL(fileURLWithPath: filePath).deletingLastPathComponent()]
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        starts.append(URL(fileURLWithPath: fm.currentDirectoryPath))
        for start in starts {
            var dir = start.standardizedFileURL
            while true {
                if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                    let bench = dir.appendingPathComponent("Fixtures/bench")
                    if fm.fileExists(atPath: bench.appendingPathComponent("schema.sql").path) {
                        return FixtureDirectory(url: bench)
                    }
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        throw BenchError("cannot find Fixtures/bench (looked upwards from the executable, the source and the current directory for Package.swift); pass --fixtures DIR")
    }

    /// The names of the built-in workloads (files `workloads/NAME.workload`).
    var builtInWorkloads: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: workloads.path)) ?? []
        return files.filter { $0.hasSuffix(".workload") }.map { String($0.dropLast(9)) }.sorted()
    }
}
