/// Rewrites `?` (JDBC) or `%s`/`%%` (psycopg) placeholders to PostgreSQL's `$n`, remembering each
/// edit so offsets in the converted text map back to the caller's text.
struct PlaceholderConversion {
    struct Edit {
        var originalStart: Int
        var originalEnd: Int
        var newStart: Int
        var newEnd: Int
        /// A placeholder (as opposed to `%%` → `%`).
        var isPlaceholder: Bool
    }

    var bytes: [UInt8]
    var edits: [Edit] = []
    var error: String? = nil

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `?` outside strings, comments and quoted identifiers is the next parameter, found by lexing
    /// with `?` as a token of its own.
    static func question(_ original: [UInt8]) -> PlaceholderConversion {
        var result = PlaceholderConversion(bytes: original)
        // No `?` at all: nothing to convert, and the main lex reports any error.
        guard original.contains(UInt8(ascii: "?")) else { return result }
        let (tokens, error) = SQLLexer.lex(original, questionPlaceholders: true)
        if let error {
            result.error = error
            return result
        }
        guard tokens.contains(where: { $0.kind == .placeholder }) else { return result }
        var out: [UInt8] = []
        out.reserveCapacity(original.count + 16)
        var copied = 0
        var number = 0
        for token in tokens where token.kind == .placeholder {
            out.append(contentsOf: original[copied..<token.start])
            number += 1
            let newStart = out.count
            out.append(SQLByte.dollar)
            out.append(contentsOf: String(number).utf8)
            result.edits.append(Edit(originalStart: token.start, originalEnd: token.end,
                                     newStart: newStart, newEnd: out.count, isPlaceholder: true))
            copied = token.end
        }
        out.append(contentsOf: original[copied...])
        result.bytes = out
        return result
    }

    /// `%s` is the next parameter and `%%` a literal `%`, anywhere in the text (as Python's `%`
    /// formatting in psycopg and Django); any other `%` is an error rather than a guess.
    static func percent(_ original: [UInt8]) -> PlaceholderConversion {
        var result = PlaceholderConversion(bytes: original)
        guard original.contains(UInt8(ascii: "%")) else { return result }
        var out: [UInt8] = []
        out.reserveCapacity(original.count + 16)
        var copied = 0
        var number = 0
        var i = 0
        while i < original.count {
            guard original[i] == UInt8(ascii: "%") else {
                i += 1
                continue
            }
            let next = i + 1 < original.count ? original[i + 1] : 0
            out.append(contentsOf: original[copied..<i])
            let newStart = out.count
            if next == UInt8(ascii: "s") {
                number += 1
                out.append(SQLByte.dollar)
                out.append(contentsOf: String(number).utf8)
            } else if next == UInt8(ascii: "%") {
                out.append(UInt8(ascii: "%"))
            } else {
                result.error = "lone % (write %% for a literal percent, %s for a parameter) at byte \(i)"
                return result
            }
            result.edits.append(Edit(originalStart: i, originalEnd: i + 2, newStart: newStart,
                                     newEnd: out.count, isPlaceholder: next == UInt8(ascii: "s")))
            i += 2
            copied = i
        }
        out.append(contentsOf: original[copied...])
        result.bytes = out
        return result
    }

    /// Every converted placeholder must have become exactly one `$n` token, and the text may not
    /// also use `$n` itself (mixed styles would number parameters ambiguously).
    func verify(_ tokens: [SQLToken]) -> String? {
        var placeholders = edits.lazy.filter(\.isPlaceholder).makeIterator()
        for token in tokens where token.kind == .parameter {
            guard let edit = placeholders.next(), edit.newStart == token.start, edit.newEnd == token.end else {
                return "a $n parameter mixed with the placeholder style at byte \(originalOffset(token.start))"
            }
        }
        if let edit = placeholders.next() {
            return "placeholder inside a string, comment or identifier at byte \(edit.originalStart)"
        }
        return nil
    }

    /// Maps an offset in the converted text back to the original text. Offsets inside an edit
    /// map to the edit's start.
    func originalOffset(_ offset: Int) -> Int {
        guard !edits.isEmpty else { return offset }
        // Last edit that starts before or at `offset`.
        var low = 0
        var high = edits.count
        while low < high {
            let mid = (low + high) / 2
            if edits[mid].newStart <= offset { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return offset }
        let edit = edits[low - 1]
        if offset >= edit.newEnd { return offset - edit.newEnd + edit.originalEnd }
        return offset == edit.newStart ? edit.originalStart : edit.originalEnd
    }
}
