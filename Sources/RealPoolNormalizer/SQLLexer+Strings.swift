/// String constants and quoted identifiers: doubled quotes, continuation across newlines,
/// E'' backslash escapes, U&'' Unicode escapes with UESCAPE. The decoded value must equal what
/// the server reads, because a lifted literal is bound as that value.
extension SQLLexer {
    enum StringFlavor {
        /// `'...'`: backslashes are ordinary characters (standard_conforming_strings is on, the
        /// default since PostgreSQL 9.1).
        case standard
        /// `E'...'`.
        case escape
        /// `U&'...'`.
        case unicode
        /// `B'...'`.
        case bit
        /// `X'...'`.
        case hex
    }

    /// If the bytes from `start` are whitespace containing at least one newline (with `--`
    /// comments allowed, as scan.l's `whitespace_with_newline`) followed by a quote, returns the
    /// index of that quote: the string continues there.
    func continuation(after start: Int) -> Int? {
        let n = bytes.count
        var j = start
        var sawNewline = false
        while j < n {
            let c = bytes[j]
            if SQLByte.isNewline(c) {
                sawNewline = true
                j += 1
            } else if SQLByte.isHorizontalSpace(c) || (sawNewline && SQLByte.isSpace(c)) {
                j += 1
            } else if c == SQLByte.minus && j + 1 < n && bytes[j + 1] == SQLByte.minus {
                j = skipLineComment(from: j)
            } else {
                break
            }
        }
        return sawNewline && j < n && bytes[j] == SQLByte.quote ? j : nil
    }

    mutating func lexQuotedString(tokenStart: Int, quoteAt: Int, flavor: StringFlavor) {
        let n = bytes.count
        var out: [UInt8] = []
        var simple = true
        var j = quoteAt + 1
        var runStart = j
        var end = -1
        while j < n {
            let c = bytes[j]
            if c == SQLByte.quote {
                if j + 1 < n && bytes[j + 1] == SQLByte.quote {
                    simple = false
                    out.append(contentsOf: bytes[runStart...j])
                    j += 2
                    runStart = j
                    continue
                }
                if let nextQuote = continuation(after: j + 1) {
                    simple = false
                    out.append(contentsOf: bytes[runStart..<j])
                    j = nextQuote + 1
                    runStart = j
                    continue
                }
                end = j + 1
                break
            }
            if flavor == .escape && c == SQLByte.backslash {
                simple = false
                out.append(contentsOf: bytes[runStart..<j])
                guard let after = decodeEscape(at: j, into: &out) else {
                    fail("invalid escape sequence in string", at: j)
                    return
                }
                j = after
                runStart = j
                continue
            }
            j += 1
        }
        guard end >= 0 else {
            fail("unterminated quoted string", at: tokenStart)
            return
        }
        let kind: SQLToken.Kind = flavor == .bit ? .bitString : flavor == .hex ? .hexString : .string
        var token = SQLToken(kind: kind, start: tokenStart, end: end)
        if simple {
            token.valueStart = quoteAt + 1
            token.valueEnd = end - 1
        } else {
            out.append(contentsOf: bytes[runStart..<(end - 1)])
            token.decoded = out
        }
        if flavor == .escape, let decoded = token.decoded, !Self.isValidText(decoded) {
            // E'\0', E'\xff' ...: the server rejects these; let it say so.
            fail("escape produces an invalid byte sequence", at: tokenStart)
            return
        }
        if flavor == .unicode {
            guard applyUnicodeEscapes(to: &token) else { return }
        }
        tokens.append(token)
        index = token.end
    }

    mutating func lexQuotedIdentifier(tokenStart: Int, quoteAt: Int, unicode: Bool) {
        let n = bytes.count
        var out: [UInt8] = []
        var simple = true
        var j = quoteAt + 1
        var runStart = j
        var end = -1
        while j < n {
            if bytes[j] == SQLByte.doubleQuote {
                if j + 1 < n && bytes[j + 1] == SQLByte.doubleQuote {
                    simple = false
                    out.append(contentsOf: bytes[runStart...j])
                    j += 2
                    runStart = j
                    continue
                }
                end = j + 1
                break
            }
            j += 1
        }
        guard end >= 0 else {
            fail("unterminated quoted identifier", at: tokenStart)
            return
        }
        if end - quoteAt == 2 {
            fail("zero-length delimited identifier", at: tokenStart)
            return
        }
        var token = SQLToken(kind: .quotedIdentifier, start: tokenStart, end: end)
        if simple {
            token.valueStart = quoteAt + 1
            token.valueEnd = end - 1
        } else {
            out.append(contentsOf: bytes[runStart..<(end - 1)])
            token.decoded = out
        }
        if unicode {
            guard applyUnicodeEscapes(to: &token) else { return }
        }
        tokens.append(token)
        index = token.end
    }

    // MARK: E'' escapes

    /// Decodes one backslash escape starting at `at` (which holds the backslash) as scan.l's xe
    /// state does; returns the index after it, or nil for an escape the server rejects.
    func decodeEscape(at start: Int, into out: inout [UInt8]) -> Int? {
        let n = bytes.count
        guard start + 1 < n else { return nil }
        let c = bytes[start + 1]
        switch c {
        case 0x30...0x37:
            var value: UInt32 = 0
            var j = start + 1
            while j < n && j < start + 4 && bytes[j] >= 0x30 && bytes[j] <= 0x37 {
                value = value * 8 + UInt32(bytes[j] - 0x30)
                j += 1
            }
            out.append(UInt8(truncatingIfNeeded: value))
            return j
        case UInt8(ascii: "x"):
            var value: UInt32 = 0
            var j = start + 2
            while j < n && j < start + 4, let digit = SQLByte.hexValue(bytes[j]) {
                value = value * 16 + digit
                j += 1
            }
            if j == start + 2 {
                out.append(c)  // `\x` without hex digits is just `x`
            } else {
                out.append(UInt8(value))
            }
            return j
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let width = c == UInt8(ascii: "u") ? 4 : 8
            guard let (scalar, after) = hexScalar(at: start + 2, width: width) else { return nil }
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard after + 1 < n, bytes[after] == SQLByte.backslash,
                      bytes[after + 1] == UInt8(ascii: "u") || bytes[after + 1] == UInt8(ascii: "U"),
                      let (low, end) = hexScalar(at: after + 2, width: bytes[after + 1] == UInt8(ascii: "u") ? 4 : 8),
                      (0xDC00...0xDFFF).contains(low) else { return nil }
                SQLByte.appendUTF8(0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00), to: &out)
                return end
            }
            guard scalar != 0, scalar <= 0x10FFFF, !(0xDC00...0xDFFF).contains(scalar) else { return nil }
            SQLByte.appendUTF8(scalar, to: &out)
            return after
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "v"):
            // `\v` is a vertical tab on PostgreSQL 16+ and a plain `v` before: do not guess.
            return nil
        default:
            out.append(c)
        }
        return start + 2
    }

    /// Exactly `width` hex digits at `start`.
    func hexScalar(at start: Int, width: Int) -> (UInt32, Int)? {
        guard start + width <= bytes.count else { return nil }
        var value: UInt32 = 0
        for j in start..<(start + width) {
            guard let digit = SQLByte.hexValue(bytes[j]) else { return nil }
            if value > 0x0FFF_FFFF { return nil }
            value = value << 4 | digit
        }
        return (value, start + width)
    }

    static func isValidText(_ text: [UInt8]) -> Bool {
        !text.contains(0) && String(validating: text, as: UTF8.self) != nil
    }

    // MARK: U&'' and U&""

    /// Looks for `UESCAPE 'c'` after a U& token, extends the token over it, and decodes the
    /// Unicode escapes of its content. Returns false after reporting an error.
    mutating func applyUnicodeEscapes(to token: inout SQLToken) -> Bool {
        var escape = SQLByte.backslash
        let k = skipWhitespaceAndComments(from: token.end)
        if k + 7 <= bytes.count, matchesKeyword("uescape", at: k),
           !(k + 7 < bytes.count && SQLByte.isIdentifierContinue(bytes[k + 7])) {
            let m = skipWhitespaceAndComments(from: k + 7)
            guard m + 2 < bytes.count, bytes[m] == SQLByte.quote, bytes[m + 2] == SQLByte.quote,
                  !(m + 3 < bytes.count && bytes[m + 3] == SQLByte.quote) else {
                fail("invalid UESCAPE clause", at: k)
                return false
            }
            let candidate = bytes[m + 1]
            if candidate >= 0x80 || SQLByte.hexValue(candidate) != nil || candidate == SQLByte.plus
                || candidate == SQLByte.quote || candidate == SQLByte.doubleQuote || SQLByte.isSpace(candidate) {
                fail("invalid Unicode escape character", at: m)
                return false
            }
            escape = candidate
            token.end = m + 3
        }
        let raw = token.decoded ?? Array(bytes[token.valueStart..<token.valueEnd])
        guard let decoded = Self.decodeUnicodeEscapes(raw, escape: escape), Self.isValidText(decoded) else {
            fail("invalid Unicode escape", at: token.start)
            return false
        }
        token.decoded = decoded
        return true
    }

    func matchesKeyword(_ keyword: StaticString, at start: Int) -> Bool {
        let count = keyword.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        return keyword.withUTF8Buffer { word in
            for p in 0..<count where SQLByte.lowercased(bytes[start + p]) != word[p] { return false }
            return true
        }
    }

    static func decodeUnicodeEscapes(_ raw: [UInt8], escape: UInt8) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = 0
        var pendingHigh: UInt32? = nil
        func scalar(at start: Int, width: Int) -> UInt32? {
            guard start + width <= raw.count else { return nil }
            var value: UInt32 = 0
            for p in start..<(start + width) {
                guard let digit = SQLByte.hexValue(raw[p]) else { return nil }
                value = value << 4 | digit
            }
            return value
        }
        while j < raw.count {
            let c = raw[j]
            guard c == escape else {
                if pendingHigh != nil { return nil }
                out.append(c)
                j += 1
                continue
            }
            if j + 1 < raw.count && raw[j + 1] == escape {
                if pendingHigh != nil { return nil }
                out.append(escape)
                j += 2
                continue
            }
            let value: UInt32
            if j + 1 < raw.count && raw[j + 1] == SQLByte.plus {
                guard let v = scalar(at: j + 2, width: 6) else { return nil }
                value = v
                j += 8
            } else {
                guard let v = scalar(at: j + 1, width: 4) else { return nil }
                value = v
                j += 5
            }
            if let high = pendingHigh {
                guard (0xDC00...0xDFFF).contains(value) else { return nil }
                SQLByte.appendUTF8(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00), to: &out)
                pendingHigh = nil
            } else if (0xD800...0xDBFF).contains(value) {
                pendingHigh = value
            } else {
                guard value != 0, value <= 0x10FFFF, !(0xDC00...0xDFFF).contains(value) else { return nil }
                SQLByte.appendUTF8(value, to: &out)
            }
        }
        return pendingHigh == nil ? out : nil
    }
}
