/// PostgreSQL's lexical grammar (src/backend/parser/scan.l, PostgreSQL 16) over UTF-8 bytes.
///
/// Every branch consumes at least one byte or stops with an error, and no byte is examined more
/// than a bounded number of times (dollar-quote ends are found with KMP), so lexing is linear in
/// the input and cannot loop. Anything it does not understand becomes `error`; the caller then
/// runs the text plainly and lets the server decide.
struct SQLLexer {
    let bytes: [UInt8]
    /// Lex `?` as a placeholder token rather than as an operator character (JDBC style).
    let questionPlaceholders: Bool
    var index = 0
    var tokens: [SQLToken] = []
    var error: String? = nil

    init(_ bytes: [UInt8], questionPlaceholders: Bool = false) {
        self.bytes = bytes
        self.questionPlaceholders = questionPlaceholders
    }

    static func lex(_ bytes: [UInt8], questionPlaceholders: Bool = false) -> (tokens: [SQLToken], error: String?) {
        var lexer = SQLLexer(bytes, questionPlaceholders: questionPlaceholders)
        lexer.run()
        return (lexer.tokens, lexer.error)
    }

    @inline(__always) func byte(at i: Int) -> UInt8 {
        i < bytes.count ? bytes[i] : 0
    }

    mutating func fail(_ message: String, at position: Int) {
        if error == nil { error = "\(message) at byte \(position)" }
    }

    mutating func run() {
        let n = bytes.count
        tokens.reserveCapacity(n / 4 + 4)
        while index < n && error == nil {
            let c = bytes[index]
            let next = byte(at: index + 1)
            switch c {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D:  // not \v: see SQLByte.isSpace
                index += 1
            case SQLByte.minus where next == SQLByte.minus:
                index = skipLineComment(from: index)
            case SQLByte.slash where next == SQLByte.star:
                let end = skipBlockComment(from: index)
                if end < 0 { fail("unterminated /* comment", at: index); return }
                index = end
            case SQLByte.quote:
                lexQuotedString(tokenStart: index, quoteAt: index, flavor: .standard)
            case _ where c | 0x20 == UInt8(ascii: "e") && next == SQLByte.quote:
                lexQuotedString(tokenStart: index, quoteAt: index + 1, flavor: .escape)
            case _ where c | 0x20 == UInt8(ascii: "b") && next == SQLByte.quote:
                lexQuotedString(tokenStart: index, quoteAt: index + 1, flavor: .bit)
            case _ where c | 0x20 == UInt8(ascii: "x") && next == SQLByte.quote:
                lexQuotedString(tokenStart: index, quoteAt: index + 1, flavor: .hex)
            case _ where c | 0x20 == UInt8(ascii: "n") && next == SQLByte.quote:
                // scan.l turns N'...' into the keyword NCHAR followed by a plain string, i.e. the
                // typed literal `nchar '...'`.
                tokens.append(SQLToken(kind: .word, start: index, end: index + 1, number: 1))
                lexQuotedString(tokenStart: index + 1, quoteAt: index + 1, flavor: .standard)
            case _ where c | 0x20 == UInt8(ascii: "u") && next == UInt8(ascii: "&")
                && (byte(at: index + 2) == SQLByte.quote || byte(at: index + 2) == SQLByte.doubleQuote):
                if byte(at: index + 2) == SQLByte.quote {
                    lexQuotedString(tokenStart: index, quoteAt: index + 2, flavor: .unicode)
                } else {
                    lexQuotedIdentifier(tokenStart: index, quoteAt: index + 2, unicode: true)
                }
            case SQLByte.doubleQuote:
                lexQuotedIdentifier(tokenStart: index, quoteAt: index, unicode: false)
            case SQLByte.dollar:
                lexDollar()
            case 0x30...0x39:
                lexNumber()
            case SQLByte.dot:
                if SQLByte.isDigit(next) {
                    lexNumber()
                } else if next == SQLByte.dot {
                    tokens.append(SQLToken(kind: .op, start: index, end: index + 2))
                    index += 2
                } else {
                    tokens.append(SQLToken(kind: .punctuation, start: index, end: index + 1))
                    index += 1
                }
            case SQLByte.colon:
                // `::` typecast, `:=` colon-equals, `:` array slice.
                let length = (next == SQLByte.colon || next == UInt8(ascii: "=")) ? 2 : 1
                tokens.append(SQLToken(kind: .op, start: index, end: index + length))
                index += length
            case UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: ";"):
                tokens.append(SQLToken(kind: .punctuation, start: index, end: index + 1))
                index += 1
            case UInt8(ascii: "?") where questionPlaceholders:
                tokens.append(SQLToken(kind: .placeholder, start: index, end: index + 1))
                index += 1
            case _ where SQLByte.isOperatorChar(c):
                lexOperator()
            case _ where SQLByte.isIdentifierStart(c):
                var j = index + 1
                while j < n && SQLByte.isIdentifierContinue(bytes[j]) { j += 1 }
                tokens.append(SQLToken(kind: .word, start: index, end: j))
                index = j
            default:
                fail("unexpected character 0x\(String(c, radix: 16))", at: index)
            }
        }
    }

    // MARK: Comments

    /// `--` to the end of the line (the newline itself is whitespace).
    func skipLineComment(from start: Int) -> Int {
        var j = start + 2
        while j < bytes.count && !SQLByte.isNewline(bytes[j]) { j += 1 }
        return j
    }

    /// Nested `/* */`; returns the index after the comment, or -1 when it is unterminated.
    func skipBlockComment(from start: Int) -> Int {
        let n = bytes.count
        var depth = 1
        var j = start + 2
        while j < n {
            if bytes[j] == SQLByte.slash && j + 1 < n && bytes[j + 1] == SQLByte.star {
                depth += 1
                j += 2
            } else if bytes[j] == SQLByte.star && j + 1 < n && bytes[j + 1] == SQLByte.slash {
                depth -= 1
                j += 2
                if depth == 0 { return j }
            } else {
                j += 1
            }
        }
        return -1
    }

    /// Skips whitespace and comments (used to look ahead for `UESCAPE`). An unterminated block
    /// comment stops the skip; the main loop reports it.
    func skipWhitespaceAndComments(from start: Int) -> Int {
        var j = start
        let n = bytes.count
        while j < n {
            let c = bytes[j]
            if SQLByte.isSpace(c) {
                j += 1
            } else if c == SQLByte.minus && j + 1 < n && bytes[j + 1] == SQLByte.minus {
                j = skipLineComment(from: j)
            } else if c == SQLByte.slash && j + 1 < n && bytes[j + 1] == SQLByte.star {
                let end = skipBlockComment(from: j)
                if end < 0 { return j }
                j = end
            } else {
                break
            }
        }
        return j
    }

    // MARK: Operators

    mutating func lexOperator() {
        let start = index
        let n = bytes.count
        // The longest run of operator characters, stopping where `/*` or `--` would start a
        // comment inside it (scan.l does the same; never at `start`, because the main loop checks
        // for comments first). Stopping there, rather than scanning the whole run and cutting it,
        // keeps `+/**/+/**/...` linear.
        var j = start + 1
        while j < n && SQLByte.isOperatorChar(bytes[j]) && !(questionPlaceholders && bytes[j] == UInt8(ascii: "?")) {
            if j + 1 < n && ((bytes[j] == SQLByte.slash && bytes[j + 1] == SQLByte.star)
                || (bytes[j] == SQLByte.minus && bytes[j + 1] == SQLByte.minus)) {
                break
            }
            j += 1
        }
        var length = j - start
        // A multi-character operator may not end in `+` or `-` unless it contains one of
        // ~ ! @ # ^ & | ` ? %, so that `a=-1` is `a = -1`.
        if length > 1 && (bytes[start + length - 1] == SQLByte.plus || bytes[start + length - 1] == SQLByte.minus) {
            var special = false
            for p in start..<(start + length - 1) where SQLByte.allowsTrailingSign(bytes[p]) {
                special = true
                break
            }
            if !special {
                repeat {
                    length -= 1
                } while length > 1 && (bytes[start + length - 1] == SQLByte.plus || bytes[start + length - 1] == SQLByte.minus)
            }
        }
        tokens.append(SQLToken(kind: .op, start: start, end: start + length))
        // What was trimmed is a run of `+`/`-` without `--`; re-lexing it would yield exactly one
        // single-character operator per byte, so emit those directly instead of rescanning (which
        // made `+-+-+-...1` quadratic).
        for p in (start + length)..<j {
            tokens.append(SQLToken(kind: .op, start: p, end: p + 1))
        }
        index = j
    }

    // MARK: Numbers

    /// Decimal digits only. `_` separators (`1_000`) are PostgreSQL 16 syntax: there they are one
    /// number, on PostgreSQL 15 "trailing junk" and on 14 and older the number `1` followed by the
    /// column alias `_000`. The scan stops at `_`, which `lexNumber` then rejects as junk.
    func scanDecimalDigits(from start: Int) -> Int {
        var j = start
        while j < bytes.count && SQLByte.isDigit(bytes[j]) { j += 1 }
        return j
    }

    /// A decimal number as every supported server reads it. Text whose reading depends on the
    /// server version is not lexed at all (the statement then runs plainly, and the server reads
    /// it its own way): PostgreSQL 16's `0x1F`, `0o17`, `0b101` (an error on 15, `0 AS x1F` on
    /// 14 and older) and `1_000`, which all reach the "trailing junk" rule below, as does
    /// `123abc` (an error on 15 and later, `123 AS abc` before).
    mutating func lexNumber() {
        let start = index
        let n = bytes.count
        var j = start
        var isNumeric = false
        if SQLByte.isDigit(bytes[start]) { j = scanDecimalDigits(from: start) }
        if j < n && bytes[j] == SQLByte.dot {
            if byte(at: j + 1) == SQLByte.dot && j > start {
                // `1..`: the integer, then `..` (scan.l decimalfail).
                tokens.append(SQLToken(kind: .integer, start: start, end: j))
                index = j
                return
            }
            isNumeric = true
            j += 1
            if SQLByte.isDigit(byte(at: j)) { j = scanDecimalDigits(from: j) }
        }
        if j < n && (bytes[j] | 0x20) == UInt8(ascii: "e") {
            var k = j + 1
            if byte(at: k) == SQLByte.plus || byte(at: k) == SQLByte.minus { k += 1 }
            if SQLByte.isDigit(byte(at: k)) {
                j = scanDecimalDigits(from: k)
                isNumeric = true
            } else {
                fail("trailing junk after numeric literal", at: start)
                return
            }
        }
        if j < n && (SQLByte.isIdentifierStart(bytes[j]) || bytes[j] == SQLByte.dollar) {
            fail("trailing junk after numeric literal (or PostgreSQL 16 number syntax, which older servers read differently)", at: start)
            return
        }
        tokens.append(SQLToken(kind: isNumeric ? .numeric : .integer, start: start, end: j))
        index = j
    }

    // MARK: Parameters and dollar quotes

    mutating func lexDollar() {
        let start = index
        let n = bytes.count
        let next = byte(at: start + 1)
        if SQLByte.isDigit(next) {
            var j = start + 1
            var value = 0
            while j < n && SQLByte.isDigit(bytes[j]) {
                value = value * 10 + Int(bytes[j] - 0x30)
                if value > 65535 { fail("parameter number too large", at: start); return }
                j += 1
            }
            if j < n && SQLByte.isIdentifierStart(bytes[j]) {
                fail("trailing junk after parameter", at: start)
                return
            }
            if value == 0 { fail("parameter $0", at: start); return }
            tokens.append(SQLToken(kind: .parameter, start: start, end: j, number: value))
            index = j
            return
        }
        guard next == SQLByte.dollar || SQLByte.isIdentifierStart(next) else {
            fail("unexpected $", at: start)
            return
        }
        var j = start + 1
        while j < n && SQLByte.isDollarTagContinue(bytes[j]) { j += 1 }
        guard j < n && bytes[j] == SQLByte.dollar else {
            fail("unexpected $", at: start)
            return
        }
        let delimiter = Array(bytes[start...j])
        let bodyStart = j + 1
        guard let close = Self.find(delimiter, in: bytes, from: bodyStart) else {
            fail("unterminated dollar-quoted string", at: start)
            return
        }
        var token = SQLToken(kind: .string, start: start, end: close + delimiter.count)
        token.valueStart = bodyStart
        token.valueEnd = close
        tokens.append(token)
        index = token.end
    }

    /// First occurrence of `pattern` in `text[from...]` by Knuth–Morris–Pratt, so that a long tag
    /// repeated almost everywhere still costs linear time.
    static func find(_ pattern: [UInt8], in text: [UInt8], from: Int) -> Int? {
        let m = pattern.count
        if m == 0 { return from }
        var failure = [Int](repeating: 0, count: m)
        var k = 0
        for q in 1..<max(m, 1) {
            while k > 0 && pattern[k] != pattern[q] { k = failure[k - 1] }
            if pattern[k] == pattern[q] { k += 1 }
            failure[q] = k
        }
        var matched = 0
        var i = from
        while i < text.count {
            while matched > 0 && pattern[matched] != text[i] { matched = failure[matched - 1] }
            if pattern[matched] == text[i] { matched += 1 }
            if matched == m { return i - m + 1 }
            i += 1
        }
        return nil
    }
}
