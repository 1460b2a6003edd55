extension LiftedLiteral {
    /// The OID of the type PostgreSQL gives this literal where it is written: `int4` (23) for an
    /// integer that fits 32 bits, `int8` (20) for one that fits 64 bits, `numeric` (1700) for larger
    /// integers and all decimals, and `unknown` (705) for strings, whose type comes from context.
    public var naturalTypeOID: UInt32 {
        switch kind {
        case .string:
            return 705
        case .numeric:
            return 1700
        case .integer:
            // The lexer reads the unsigned digits first (int4 if they fit), a unary minus is folded
            // into the constant afterwards (gram.y doNegate), and then int8 is tried on the signed text.
            let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
            if let magnitude = Int64(digits), magnitude <= Int64(Int32.max) { return 23 }
            if Int64(value) != nil { return 20 }
            return 1700
        }
    }

    /// Whether binding `value` to a parameter of type `parameterTypeOID` means exactly what the
    /// literal meant. A string literal is `unknown`-typed, so its type is resolved from context
    /// exactly like an untyped parameter at the same place: always compatible. A number has a type
    /// of its own; if the parameter's inferred type differs (an `int8` column compared with `42`, a
    /// `smallint` with `100000`), rewriting could change the result type, an overflow, or turn a
    /// `false` into an error, so only an exact type match is compatible. The statement layer should
    /// run the query plainly when this returns `false`.
    public func canBind(toParameterOfType parameterTypeOID: UInt32) -> Bool {
        kind == .string || parameterTypeOID == naturalTypeOID
    }
}
