extension NormalizedQuery {
    /// The statements of a multi-statement text, each normalised on its own (in `$n` style), in
    /// order; empty statements are skipped. For any other text, the query itself.
    ///
    /// The façade uses it to refuse session state hidden among other statements
    /// (`SET x = 1; SELECT ...`), which a single `kind` cannot show.
    public func statements() -> [NormalizedQuery] {
        guard kind == .multiStatement else { return [self] }
        let bytes = Array(executableSQL.utf8)
        let (tokens, error) = SQLLexer.lex(bytes)
        guard error == nil else { return [self] }
        var result: [NormalizedQuery] = []
        var first: Int?
        var last = 0
        func flush() {
            guard let start = first else { return }
            let text = String(decoding: bytes[tokens[start].start..<tokens[last].end], as: UTF8.self)
            result.append(Normalizer(style: .dollar).normalize(text))
            first = nil
        }
        for (i, token) in tokens.enumerated() {
            if token.kind == .punctuation, token.end - token.start == 1, bytes[token.start] == UInt8(ascii: ";") {
                flush()
            } else {
                if first == nil { first = i }
                last = i
            }
        }
        flush()
        return result
    }
}
