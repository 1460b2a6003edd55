/// Builds a query's shape from its tokens: the canonical text, the slots, and the literals lifted
/// into slots.
///
/// Which constants are lifted: decimal integers and decimals (with a unary minus in front of them),
/// and strings (`'...'`, `E'...'`, `U&'...'`, dollar-quoted), where they are values, and only in
/// statements that can be prepared (`liftLiterals`: a utility statement such as
/// `SET LOCAL TIME ZONE -8` keeps its constants, since its canonical text with `$n` would not parse).
/// Not lifted, so part of the shape:
/// - `B'...'` and `X'...'` (`bit` constants);
/// - any constant inside an `ORDER BY`, `GROUP BY`, `PARTITION BY` or `DISTINCT ON` list, because a
///   bare integer there is a column position (`ORDER BY 2`) and a bare string an error, while
///   `ORDER BY $1` would sort by a constant;
/// - type modifiers: constants inside `varchar(...)`, `numeric(...)` and the like, and inside the
///   parentheses or brackets of any type name after `::` or `AS`;
/// - a string right after a word that is not an operand-introducing keyword, a quoted identifier
///   or `)`: that is typed-literal syntax (`DATE '2024-01-01'`, `INTERVAL '1 day'`,
///   `pg_catalog.int4 '1'`, `varchar(3) 'x'`, `AT TIME ZONE 'UTC'`);
/// - an integer of magnitude 2^31 or 2^63 that a unary minus may reach (a `-` before it, possibly
///   through parentheses): PostgreSQL folds the minus into the constant, and `-2147483648` is an
///   `int4` while `2147483648` is an `int8`, so the parameter's declared type would depend on a
///   sign the parameter does not carry.
/// A unary minus is lifted together with the number it precedes (`= -8`, `= - 8` become `= $1`
/// with the value `-8`), so the canonical text never has a `- $1` where the text had a constant.
/// A string followed by `::type` is lifted: `$1::type` reads the bound text with the same input
/// function. `LIMIT` and `OFFSET` values are lifted: PostgreSQL accepts parameters there.
struct ShapeBuilder {
    let bytes: [UInt8]
    let tokens: [SQLToken]
    /// Tokens considered part of the statement: trailing `;` dropped.
    let count: Int
    /// Whether constants may become slots; false for statements that cannot be prepared.
    let liftLiterals: Bool

    var canonical: [UInt8] = []
    var slots: [NormalizedQuery.Slot] = []
    var lifted: [Lifted] = []
    var parameterCount = 0

    struct Lifted {
        var start: Int
        var end: Int
        /// The value is `decoded` when set, else the source bytes `valueStart..<valueEnd`
        /// (no copy for the common literal without escapes).
        var decoded: [UInt8]?
        var valueStart: Int
        var valueEnd: Int
        var kind: LiftedLiteral.Kind
    }

    /// Context of one parenthesis (or bracket) depth.
    struct Frame {
        /// Inside an ORDER BY / GROUP BY / PARTITION BY / DISTINCT ON list.
        var list = false
        /// Inside a type's modifier list.
        var typeModifier = false
    }

    init(bytes: [UInt8], tokens: [SQLToken], liftLiterals: Bool = true) {
        self.bytes = bytes
        self.tokens = tokens
        self.liftLiterals = liftLiterals
        var count = tokens.count
        while count > 0 && tokens[count - 1].kind == .punctuation && bytes[tokens[count - 1].start] == UInt8(ascii: ";") {
            count -= 1
        }
        self.count = count
    }

    // MARK: Token tests

    @inline(__always) func key(_ i: Int) -> WordKey? {
        guard i >= 0 && i < count && tokens[i].kind == .word else { return nil }
        return WordKey(bytes, tokens[i].start, tokens[i].end)
    }

    @inline(__always) func isPunctuation(_ i: Int, _ c: UInt8) -> Bool {
        i >= 0 && i < count && tokens[i].kind == .punctuation && bytes[tokens[i].start] == c
    }

    @inline(__always) func isOperator(_ i: Int, _ text: StaticString) -> Bool {
        guard i >= 0 && i < count && tokens[i].kind == .op else { return false }
        let t = tokens[i]
        guard t.end - t.start == text.utf8CodeUnitCount else { return false }
        return text.withUTF8Buffer { buffer in
            for p in 0..<buffer.count where bytes[t.start + p] != buffer[p] { return false }
            return true
        }
    }

    /// Whether a constant after token `i` is an operand: at the start, after an operator, `(`,
    /// `,`, `[`, `;`, or an operand-introducing keyword.
    func isOperandPosition(after i: Int) -> Bool {
        guard i >= 0 else { return true }
        let t = tokens[i]
        switch t.kind {
        case .op:
            return !isOperator(i, "::")
        case .punctuation:
            let c = bytes[t.start]
            return c == UInt8(ascii: "(") || c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: ";")
        case .word:
            guard t.number == 0, let k = key(i) else { return false }
            // `FETCH FIRST -5 ROWS ONLY`: the grammar wants a signed constant or a c_expr there.
            if (k == Keyword.first || k == Keyword.next) && key(i - 1) == Keyword.fetch { return true }
            return Keyword.valueContext(k)
        default:
            return false
        }
    }

    /// Whether the `(` or `[` at `i` opens a type-modifier list.
    func opensTypeModifier(_ i: Int) -> Bool {
        guard i >= 1 else { return false }
        let isParenthesis = isPunctuation(i, UInt8(ascii: "("))
        if tokens[i - 1].kind == .quotedIdentifier {
            return isOperator(i - 2, "::")  // `::"varchar"(3)`
        }
        guard let name = key(i - 1), name != Keyword.materialized else { return false }
        if isParenthesis && Keyword.typeWithModifiers(name) { return true }
        var j = i - 2
        if isPunctuation(j, UInt8(ascii: ".")) { j -= 2 }  // `::schema.name(...)`
        if isOperator(j, "::") { return true }  // `::vector(3)`, `::int[3]`
        return isParenthesis && key(j) == Keyword.as  // `CAST(x AS vector(3))`
    }

    // MARK: Building

    mutating func build() {
        canonical.reserveCapacity(bytes.count)
        var frames: [Frame] = [Frame()]
        var i = 0
        while i < count {
            let t = tokens[i]
            if !canonical.isEmpty { canonical.append(0x20) }
            switch t.kind {
            case .word:
                if t.number == 1 {
                    canonical.append(contentsOf: "nchar".utf8)
                } else {
                    for p in t.start..<t.end { canonical.append(SQLByte.lowercased(bytes[p])) }
                    if let k = key(i) {
                        if k == Keyword.by, let previous = key(i - 1),
                           previous == Keyword.order || previous == Keyword.group || previous == Keyword.partition {
                            frames[frames.count - 1].list = true
                        } else if Keyword.listEnd(k) {
                            frames[frames.count - 1].list = false
                        }
                    }
                }
            case .quotedIdentifier:
                if let decoded = t.decoded, bytes[t.start] != SQLByte.doubleQuote {
                    // U&"..." is rendered as the plain quoted identifier it denotes.
                    appendQuoted(decoded, quote: SQLByte.doubleQuote)
                } else {
                    canonical.append(contentsOf: bytes[t.start..<t.end])
                }
            case .string:
                let frame = frames[frames.count - 1]
                if liftLiterals && !frame.list && !frame.typeModifier && isOperandPosition(after: i - 1) {
                    lift(start: t.start, end: t.end, decoded: t.decoded, valueStart: t.valueStart, valueEnd: t.valueEnd, kind: .string)
                } else {
                    appendQuoted(t.decoded ?? Array(bytes[t.valueStart..<t.valueEnd]), quote: SQLByte.quote)
                }
            case .bitString, .hexString:
                canonical.append(t.kind == .bitString ? UInt8(ascii: "b") : UInt8(ascii: "x"))
                appendQuoted(t.decoded ?? Array(bytes[t.valueStart..<t.valueEnd]), quote: SQLByte.quote)
            case .integer, .numeric:
                let frame = frames[frames.count - 1]
                if liftLiterals && !frame.list && !frame.typeModifier && mayLiftNumber(i, unitStart: i) {
                    lift(start: t.start, end: t.end, decoded: nil, valueStart: t.start, valueEnd: t.end,
                         kind: t.kind == .integer ? .integer : .numeric)
                } else {
                    for p in t.start..<t.end { canonical.append(SQLByte.lowercased(bytes[p])) }
                }
            case .parameter:
                parameterCount = max(parameterCount, t.number)
                slots.append(.parameter(t.number))
                appendSlotMarker()
            case .op:
                let frame = frames[frames.count - 1]
                if isUnaryMinusOfLiftableNumber(i, frame: frame) {
                    let number = tokens[i + 1]
                    // `- 8` (space or comment between) has the value `-8`.
                    let decoded: [UInt8]? = number.start == t.end ? nil : [SQLByte.minus] + bytes[number.start..<number.end]
                    lift(start: t.start, end: number.end, decoded: decoded, valueStart: t.start, valueEnd: number.end,
                         kind: number.kind == .integer ? .integer : .numeric)
                    i += 2
                    continue
                }
                if isOperator(i, "!=") {
                    canonical.append(contentsOf: "<>".utf8)  // the same operator to the parser
                } else {
                    canonical.append(contentsOf: bytes[t.start..<t.end])
                }
            case .punctuation:
                let c = bytes[t.start]
                canonical.append(c)
                switch c {
                case UInt8(ascii: "("), UInt8(ascii: "["):
                    let top = frames[frames.count - 1]
                    var frame = Frame(list: top.list, typeModifier: top.typeModifier || opensTypeModifier(i))
                    if c == UInt8(ascii: "("), key(i - 1) == Keyword.on, key(i - 2) == Keyword.distinct {
                        frame.list = true
                    }
                    frames.append(frame)
                case UInt8(ascii: ")"), UInt8(ascii: "]"):
                    if frames.count > 1 { frames.removeLast() }
                case UInt8(ascii: ";"):
                    frames = [Frame()]
                default:
                    break
                }
            case .placeholder:
                canonical.append(UInt8(ascii: "?"))
            }
            i += 1
        }
    }

    /// A `-` followed by a liftable number is lifted with it when it is unary (in operand position)
    /// and nothing binding tighter than unary minus (`::`, `[`, `.`, `(`) follows the number, since
    /// `-1::text` is `-(1::text)`. Whitespace and comments between the two do not matter: PostgreSQL
    /// folds `- 8` into the constant `-8` just the same.
    func isUnaryMinusOfLiftableNumber(_ i: Int, frame: Frame) -> Bool {
        guard liftLiterals, !frame.list && !frame.typeModifier, i + 1 < count, isOperator(i, "-") else { return false }
        let number = tokens[i + 1]
        guard number.kind == .integer || number.kind == .numeric, isOperandPosition(after: i - 1) else { return false }
        if i + 2 < count {
            if isOperator(i + 2, "::") || isPunctuation(i + 2, UInt8(ascii: "["))
                || isPunctuation(i + 2, UInt8(ascii: ".")) || isPunctuation(i + 2, UInt8(ascii: "(")) {
                return false
            }
        }
        return mayLiftNumber(i + 1, unitStart: i)
    }

    /// Whether the number at `i`, lifted as the tokens `unitStart...i` (with its unary minus, if
    /// any), keeps its type as a parameter: false only for an integer of magnitude 2^31 or 2^63
    /// that an outer unary minus may reach (see the type notes above).
    func mayLiftNumber(_ i: Int, unitStart: Int) -> Bool {
        let t = tokens[i]
        guard t.kind == .integer else { return true }
        var magnitude: UInt64 = 0
        for p in t.start..<t.end {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[p] - 0x30))
            if o1 || o2 { return true }  // beyond 2^64: numeric whatever the sign
            magnitude = sum
        }
        guard magnitude == 1 << 31 || magnitude == 1 << 63 else { return true }
        var j = unitStart - 1
        while isPunctuation(j, UInt8(ascii: "(")) { j -= 1 }
        return !isOperator(j, "-")
    }

    mutating func lift(start: Int, end: Int, decoded: [UInt8]?, valueStart: Int, valueEnd: Int, kind: LiftedLiteral.Kind) {
        slots.append(.literal(lifted.count))
        lifted.append(Lifted(start: start, end: end, decoded: decoded, valueStart: valueStart, valueEnd: valueEnd, kind: kind))
        appendSlotMarker()
    }

    /// `$k` with k the slot's ordinal: placeholders and lifted literals look alike in the shape,
    /// and `$k` can never be mistaken for a constant or an operator.
    mutating func appendSlotMarker() {
        canonical.append(SQLByte.dollar)
        let k = slots.count
        var divisor = 1
        while divisor * 10 <= k { divisor *= 10 }
        while divisor > 0 {
            canonical.append(UInt8(0x30 + (k / divisor) % 10))
            divisor /= 10
        }
    }

    /// A constant kept in the shape, written in one canonical way (`'...'` with quotes doubled),
    /// so that equal values written differently (`E'a'`, `'a'`, `$$a$$`) give one shape.
    mutating func appendQuoted(_ value: [UInt8], quote: UInt8) {
        canonical.append(quote)
        for c in value {
            canonical.append(c)
            if c == quote { canonical.append(quote) }
        }
        canonical.append(quote)
    }
}
