import Foundation
import RealPoolConnection
import RealPoolNormalizer

/// Keeping the cache true to the server when the application itself removes prepared statements.
extension StatementCache {
    /// Updates the cache after a statement that ran plainly on this connection: `DISCARD ALL` and
    /// `DEALLOCATE ALL` make the server forget every prepared statement, `DEALLOCATE name` one.
    /// The statement runner calls this itself; call it for statements run on the connection by
    /// other means (`simpleQuery` of a multi-statement string, a session's raw access).
    public func observe(_ result: QueryResult, of query: NormalizedQuery? = nil) {
        switch result.commandVerb {
        case "DISCARD ALL", "DEALLOCATE ALL":
            invalidateAll()
        case "DEALLOCATE":
            if let query, let name = Self.deallocatedName(query.canonical) {
                invalidate(name)
            } else {
                // Which one is unknown: forgetting all is safe (a statement the server still has
                // is found by the 42P05 handling and adopted).
                invalidateAll()
            }
        default:
            break
        }
    }

    /// Updates the cache for every result of a multi-statement `simpleQuery`.
    public func observe(_ results: [QueryResult]) {
        for r in results where r.commandVerb.hasPrefix("D") { observe(r) }
    }

    /// The statement name of `deallocate [prepare] name` in canonical form (unquoted words are
    /// already lower-cased there; a quoted name keeps its case).
    static func deallocatedName(_ canonical: String) -> String? {
        var words = canonical.split(separator: " ", omittingEmptySubsequences: true)
        guard words.first == "deallocate" else { return nil }
        words.removeFirst()
        if words.first == "prepare" { words.removeFirst() }
        guard words.count == 1, let word = words.first, word != "all" else { return nil }
        if word.hasPrefix("\""), word.hasSuffix("\""), word.count >= 2 {
            return String(word.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        return String(word)
    }
}
