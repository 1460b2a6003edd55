/// Turns SQL text into a `NormalizedQuery`: placeholder conversion, lexing, shape, lifted
/// literals and statement kind. Pure and uncached; `ShapeCache` caches it per text.
public struct Normalizer: Sendable {
    /// The placeholder style SQL is read with.
    public let style: PlaceholderStyle

    /// A normaliser for SQL written with `style` placeholders.
    public init(style: PlaceholderStyle = .dollar) {
        self.style = style
    }

    /// Normalises one SQL text. Never fails: text that does not lex gets `lexError` set and runs plainly.
    public func normalize(_ sql: String) -> NormalizedQuery {
        let original = Array(sql.utf8)
        let conversion: PlaceholderConversion
        switch style {
        case .dollar: conversion = PlaceholderConversion(bytes: original)
        case .question: conversion = PlaceholderConversion.question(original)
        case .percent: conversion = PlaceholderConversion.percent(original)
        }
        if let error = conversion.error {
            return Self.unlexable(sql, style: style, executableSQL: sql, error: error)
        }
        let executableSQL = style == .dollar ? sql : String(decoding: conversion.bytes, as: UTF8.self)
        let (tokens, lexError) = SQLLexer.lex(conversion.bytes)
        if let lexError {
            return Self.unlexable(sql, style: style, executableSQL: executableSQL, error: lexError)
        }
        if style != .dollar, let error = conversion.verify(tokens) {
            return Self.unlexable(sql, style: style, executableSQL: executableSQL, error: error)
        }

        var shape = ShapeBuilder(bytes: conversion.bytes, tokens: tokens)
        shape.build()
        let (kind, command) = shape.classify()
        if kind != .preparable && !shape.lifted.isEmpty {
            // Only a preparable statement is ever rewritten; the others keep their constants, so
            // that their canonical text is still a statement that parses (`SET LOCAL TIME ZONE -8`
            // cannot take a `$1`).
            shape = ShapeBuilder(bytes: conversion.bytes, tokens: tokens, liftLiterals: false)
            shape.build()
        }
        let literals = shape.lifted.map { lifted -> LiftedLiteral in
            let start = conversion.originalOffset(lifted.start)
            let end = conversion.originalOffset(lifted.end)
            return LiftedLiteral(
                text: String(decoding: original[start..<end], as: UTF8.self),
                value: lifted.decoded.map { String(decoding: $0, as: UTF8.self) }
                    ?? String(decoding: conversion.bytes[lifted.valueStart..<lifted.valueEnd], as: UTF8.self),
                kind: lifted.kind,
                position: start
            )
        }
        return NormalizedQuery(
            sql: sql,
            style: style,
            executableSQL: executableSQL,
            canonical: String(decoding: shape.canonical, as: UTF8.self),
            fingerprint: Fingerprint.fnv1a(shape.canonical),
            kind: kind,
            transactionCommand: command,
            lexError: nil,
            literals: literals,
            parameterCount: shape.parameterCount,
            slots: shape.slots,
            literalRanges: shape.lifted.map { $0.start..<$0.end }
        )
    }

    /// Text the normaliser could not lex runs plainly: its "shape" is the text itself and it never
    /// matches anything.
    static func unlexable(_ sql: String, style: PlaceholderStyle, executableSQL: String, error: String) -> NormalizedQuery {
        NormalizedQuery(
            sql: sql,
            style: style,
            executableSQL: executableSQL,
            canonical: sql,
            fingerprint: Fingerprint.fnv1a(Array(sql.utf8)),
            kind: .unlexable,
            transactionCommand: nil,
            lexError: error,
            literals: [],
            parameterCount: 0,
            slots: [],
            literalRanges: []
        )
    }
}
