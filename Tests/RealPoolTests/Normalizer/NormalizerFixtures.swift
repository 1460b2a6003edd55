import Foundation
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// Loads Fixtures/normalizer/corpus.json, found by walking up from this file to the directory that
/// holds Package.swift.
enum NormalizerFixtures {
    struct Corpus: Decodable {
        var cases: [Case]
        var same: [[String]]
        var different: [[String]]
        var matches: [Match]
    }

    struct Case: Decodable {
        var sql: String
        var style: String?
        var canonical: String?
        var kind: String?
        var lexable: Bool?
        var literals: [String]?
        var texts: [String]?
        var kinds: [String]?
        var positions: [Int]?
        var executable: String?
        var parameterCount: Int?
        var command: String?
    }

    struct Match: Decodable {
        var target: String
        var query: String
        var style: String?
        var parameters: [String]?
    }

    static let corpus: Corpus = {
        let url = packageRoot().appendingPathComponent("Fixtures/normalizer/corpus.json")
        do {
            return try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    static func packageRoot(from file: String = #filePath) -> URL {
        // Symlinks resolved, so a scratch package that links this folder still finds the fixtures.
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: directory.appendingPathComponent("Fixtures/normalizer").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("no directory with Package.swift and Fixtures/normalizer above \(file)")
    }

    static func style(_ name: String?) -> PlaceholderStyle {
        name.flatMap(PlaceholderStyle.init(rawValue:)) ?? .dollar
    }
}
